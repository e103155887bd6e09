// placeholder: filled in by the durability work
