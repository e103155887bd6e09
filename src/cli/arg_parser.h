// ArgParser: the command-line grammar every `memdb` subcommand shares (docs/cli.md).
//
//   ArgParser p("memdb wal dump", "Print every record of a WAL segment.");
//   p.AddFlag("json", "machine-readable output", &json);
//   p.AddOption("max-writes", "N", "writes shown per record", &max_writes);
//   p.AddPositional("FILE", "the segment", &files, 1, 1);
//   if (Status s = p.Parse(args); !s.ok()) ...  // usage error: exit 2
//   if (p.help_requested()) out << p.Help();
//
// Promises: options are `--name VALUE` or `--name=VALUE`; flags are `--name` (a value given to
// a flag is an error); `--` ends options; `-h`/`--help` anywhere asks for help and skips every
// other check. Options may come before, between or after positionals. Errors are
// InvalidArgument naming the argument and what was expected, with the nearest known option
// for a misspelt one. No global state: one parser per command invocation.
#ifndef MEMDB_SRC_CLI_ARG_PARSER_H_
#define MEMDB_SRC_CLI_ARG_PARSER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "memdb/util/status.h"

namespace memdb::cli {

class ArgParser {
 public:
  // `command` is the full command ("memdb wal dump"), `summary` one sentence for --help.
  ArgParser(std::string command, std::string summary);

  // --name: *out becomes true when given.
  void AddFlag(std::string name, std::string help, bool* out);
  // --name VALUE: *out keeps its value (the default) unless given; the last one wins.
  void AddOption(std::string name, std::string value_name, std::string help, std::string* out);
  // --name N: a decimal number (InvalidArgument otherwise).
  void AddNumber(std::string name, std::string help, uint64_t* out);
  // --name VALUE, repeatable: each one appended to *out.
  void AddList(std::string name, std::string value_name, std::string help,
               std::vector<std::string>* out);
  // Positional arguments, in order of declaration: between `min` and `max` of them go to *out.
  void AddPositional(std::string name, std::string help, std::vector<std::string>* out, size_t min,
                     size_t max);
  // Free text appended to --help (examples, exit codes).
  void AddNotes(std::string notes) { notes_ += notes; }

  Status Parse(const std::vector<std::string>& args);
  bool help_requested() const { return help_; }
  // Synopsis, summary, options and notes.
  std::string Help() const;

 private:
  enum class Kind { kFlag, kOption, kNumber, kList };
  struct Spec {
    Kind kind;
    std::string name;
    std::string value_name;
    std::string help;
    void* out;
  };
  struct Positional {
    std::string name;
    std::string help;
    std::vector<std::string>* out;
    size_t min;
    size_t max;
  };

  const Spec* Find(const std::string& name) const;
  Status Store(const Spec& spec, const std::string& value) const;
  std::string Nearest(const std::string& name) const;
  std::string Synopsis() const;

  std::string command_;
  std::string summary_;
  std::string notes_;
  std::vector<Spec> specs_;
  std::vector<Positional> positionals_;
  bool help_ = false;
};

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_ARG_PARSER_H_
