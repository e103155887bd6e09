// The inverse of an enum's Name function: each enum with a spelled name has one Name/Parse pair
// beside its type, and Parse is written once here so that it can never disagree with Name.
#ifndef MEMDB_UTIL_ENUM_NAME_H_
#define MEMDB_UTIL_ENUM_NAME_H_

#include <initializer_list>
#include <optional>
#include <string_view>

namespace memdb {

// The value among `values` whose `name_of` is `name`, or nullopt. `values` lists every value
// that may be parsed (a value left out has a name for output only).
template <typename E, typename NameOf>
std::optional<E> ParseEnumName(std::string_view name, std::initializer_list<E> values,
                               NameOf name_of) {
  for (E value : values) {
    if (name_of(value) == name) return value;
  }
  return std::nullopt;
}

}  // namespace memdb

#endif  // MEMDB_UTIL_ENUM_NAME_H_
