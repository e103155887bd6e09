#include "cli/arg_parser.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace memdb::cli {

ArgParser::ArgParser(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

void ArgParser::AddFlag(std::string name, std::string help, bool* out) {
  specs_.push_back({Kind::kFlag, std::move(name), "", std::move(help), out});
}

void ArgParser::AddOption(std::string name, std::string value_name, std::string help,
                          std::string* out) {
  specs_.push_back({Kind::kOption, std::move(name), std::move(value_name), std::move(help), out});
}

void ArgParser::AddNumber(std::string name, std::string help, uint64_t* out) {
  specs_.push_back({Kind::kNumber, std::move(name), "N", std::move(help), out});
}

void ArgParser::AddList(std::string name, std::string value_name, std::string help,
                        std::vector<std::string>* out) {
  specs_.push_back({Kind::kList, std::move(name), std::move(value_name), std::move(help), out});
}

void ArgParser::AddPositional(std::string name, std::string help, std::vector<std::string>* out,
                              size_t min, size_t max) {
  positionals_.push_back({std::move(name), std::move(help), out, min, max});
}

const ArgParser::Spec* ArgParser::Find(const std::string& name) const {
  for (const Spec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The option sharing the longest prefix (at least two characters) with `name`: catches the
// common slips (--jsn, --shar, --max-write) without a general edit distance.
std::string ArgParser::Nearest(const std::string& name) const {
  std::string best;
  size_t best_length = 1;
  for (const Spec& spec : specs_) {
    size_t n = 0;
    while (n < spec.name.size() && n < name.size() && spec.name[n] == name[n]) ++n;
    if (n > best_length) {
      best = spec.name;
      best_length = n;
    }
  }
  return best;
}

Status ArgParser::Store(const Spec& spec, const std::string& value) const {
  switch (spec.kind) {
    case Kind::kFlag:
      *static_cast<bool*>(spec.out) = true;
      break;
    case Kind::kOption:
      *static_cast<std::string*>(spec.out) = value;
      break;
    case Kind::kList:
      static_cast<std::vector<std::string>*>(spec.out)->push_back(value);
      break;
    case Kind::kNumber: {
      uint64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
        return Status::InvalidArgument("--" + spec.name + " expects a decimal number, not '" +
                                       value + "'");
      }
      *static_cast<uint64_t*>(spec.out) = n;
      break;
    }
  }
  return Status::OK();
}

Status ArgParser::Parse(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "-h" || arg == "--help") {
      help_ = true;
      return Status::OK();
    }
  }
  std::vector<std::string> positional;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg[1] != '-') {
      return Status::InvalidArgument("unknown option '" + arg + "' (options are spelt --name)");
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Spec* spec = Find(name);
    if (spec == nullptr) {
      const std::string near = Nearest(name);
      return Status::InvalidArgument("unknown option '--" + name + "'" +
                                     (near.empty() ? "" : " (did you mean '--" + near + "'?)") +
                                     "; see '" + command_ + " --help'");
    }
    std::string value;
    if (spec->kind == Kind::kFlag) {
      if (eq != std::string::npos) {
        return Status::InvalidArgument("--" + name + " takes no value");
      }
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Status::InvalidArgument("--" + name + " expects a value (" + spec->value_name + ")");
    }
    if (Status s = Store(*spec, value); !s.ok()) return s;
  }
  size_t next = 0;
  for (const Positional& p : positionals_) {
    size_t taken = 0;
    // Leave enough arguments for the required positionals declared after this one.
    size_t reserved = 0;
    for (const Positional* q = &p + 1; q != positionals_.data() + positionals_.size(); ++q) {
      reserved += q->min;
    }
    while (next < positional.size() && taken < p.max && positional.size() - next > reserved) {
      p.out->push_back(positional[next++]);
      ++taken;
    }
    if (taken < p.min) {
      return Status::InvalidArgument("missing " + p.name + "; usage: " + Synopsis());
    }
  }
  if (next < positional.size()) {
    return Status::InvalidArgument("unexpected argument '" + positional[next] +
                                   "'; usage: " + Synopsis());
  }
  return Status::OK();
}

std::string ArgParser::Synopsis() const {
  std::string out = command_;
  if (!specs_.empty()) out += " [OPTIONS]";
  for (const Positional& p : positionals_) {
    std::string word = p.name + (p.max > 1 ? "..." : "");
    out += " " + (p.min == 0 ? "[" + word + "]" : word);
  }
  return out;
}

std::string ArgParser::Help() const {
  std::string out = "usage: " + Synopsis() + "\n\n" + summary_ + "\n";
  if (!positionals_.empty()) {
    out += "\narguments:\n";
    for (const Positional& p : positionals_) {
      std::string left = "  " + p.name;
      left.resize(std::max<size_t>(left.size() + 2, 26), ' ');
      out += left + p.help + "\n";
    }
  }
  out += "\noptions:\n";
  for (const Spec& spec : specs_) {
    std::string left = "  --" + spec.name + (spec.value_name.empty() ? "" : " " + spec.value_name);
    left.resize(std::max<size_t>(left.size() + 2, 26), ' ');
    out += left + spec.help + (spec.kind == Kind::kList ? " (repeatable)" : "") + "\n";
  }
  out += "  -h, --help              this help\n";
  if (!notes_.empty()) out += "\n" + notes_;
  return out;
}

}  // namespace memdb::cli
