// The scenario parser (docs/scenario-language.md). Every line is checked here, so a script
// that parses runs without syntax surprises; errors name file:line:column, show the line with
// a caret and say what was expected.
#include <algorithm>
#include <charconv>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "memdb/scenario/scenario.h"
#include "scenario/lexer.h"
#include "scenario/vocabulary.h"

namespace memdb {
namespace {

using scenario::Block;
using scenario::Scope;
using scenario::Token;
using scenario::VerbSpec;

// The largest script file (top level or included) read, so that `include /dev/zero`-like input
// or a huge file is refused before being read whole (docs/scenario-language.md).
constexpr uint64_t kMaxScriptBytes = uint64_t{64} << 20;

struct SourceLine {
  int number = 0;
  std::string text;
};

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Bounds on what a script may expand to, so that no input makes the parser hang or exhaust
// memory (docs/scenario-language.md, "Limits"): unrolled lines; expansion steps, which count
// every line read, every repeat iteration and every line produced, whether or not an
// iteration produces anything (an empty `repeat 100000` nested three deep is 10^15 steps
// of nothing); nesting of repeat blocks; and bytes of arguments (bytes(N,C) included). The
// include depth is bounded separately (kMaxIncludeDepth).
constexpr size_t kMaxLines = 1000000;
constexpr uint64_t kMaxExpansionSteps = 10000000;
constexpr size_t kMaxRepeatDepth = 32;
constexpr int kMaxIncludeDepth = 8;
constexpr uint64_t kMaxArgumentBytes = uint64_t{256} << 20;

class Parser {
 public:
  explicit Parser(std::shared_ptr<FileSystem> fs) : fs_(std::move(fs)) {}

  Status ParseText(std::string_view text, const std::string& path, Scenario* out, int depth) {
    std::vector<SourceLine> lines;
    int number = 0;
    for (size_t pos = 0; pos <= text.size();) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      lines.push_back({++number, std::string(text.substr(pos, end - pos))});
      pos = end + 1;
    }
    steps_ += lines.size();
    std::vector<size_t> block_end;
    if (Status s = MatchBlocks(lines, path, &block_end); !s.ok()) return s;
    std::vector<SourceLine> expanded;
    if (Status s = Expand(lines, block_end, 0, lines.size(), nullptr, path, &expanded); !s.ok()) {
      return s;
    }
    for (const SourceLine& line : expanded) {
      if (Status s = ParseLine(line, path, out, depth); !s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  static Status Error(const std::string& path, const SourceLine& line, int column,
                      const std::string& message) {
    std::string caret(static_cast<size_t>(std::max(column, 1) - 1), ' ');
    return Status::InvalidArgument(path + ":" + std::to_string(line.number) + ":" +
                                   std::to_string(column) + ": " + message + "\n  " + line.text +
                                   "\n  " + caret + "^");
  }

  // Whether `token` opens or closes a `repeat` block (the verb table says which words do).
  static Block BlockOf(const Token& token) {
    const VerbSpec* spec = token.quoted ? nullptr : scenario::FindVerb(token.text, Scope::kScript);
    return spec == nullptr ? Block::kNone : spec->block;
  }

  // One pass over the lines: checks that every line lexes, pairs each `repeat` with its `end`
  // (`(*block_end)[i]` is the line of the `end` closing the `repeat` on line i) and bounds the
  // nesting, so that expansion never searches for an `end` again (which made it quadratic in
  // the depth).
  static Status MatchBlocks(const std::vector<SourceLine>& lines, const std::string& path,
                            std::vector<size_t>* block_end) {
    block_end->assign(lines.size(), 0);
    std::vector<size_t> open;  // lines of the unclosed `repeat`s, outermost first
    for (size_t i = 0; i < lines.size(); ++i) {
      scenario::LexResult lex = scenario::Tokenize(lines[i].text);
      if (!lex.error.empty()) return Error(path, lines[i], lex.error_column, lex.error);
      const Block kind = lex.tokens.empty() ? Block::kNone : BlockOf(lex.tokens[0]);
      if (kind == Block::kRepeat) {
        if (open.size() >= kMaxRepeatDepth) {
          return Error(path, lines[i], lex.tokens[0].column,
                       "repeat blocks nested more than " + std::to_string(kMaxRepeatDepth) +
                           " deep; expected fewer nested repeats");
        }
        open.push_back(i);
      } else if (kind == Block::kEnd) {
        if (open.empty()) {
          return Error(path, lines[i], lex.tokens[0].column, "'end' without a 'repeat'");
        }
        (*block_end)[open.back()] = i;
        open.pop_back();
      }
    }
    if (!open.empty()) {
      return Error(path, lines[open.front()], 1, "expected an 'end' closing this 'repeat'");
    }
    return Status::OK();
  }

  // `line` with "{i}" replaced by `index` (the outermost repeat's iteration; none outside).
  static SourceLine Substitute(const SourceLine& line, const std::string* index) {
    SourceLine result = line;
    if (index == nullptr) return result;
    for (size_t at = 0; (at = result.text.find("{i}", at)) != std::string::npos;) {
      result.text.replace(at, 3, *index);
      at += index->size();
    }
    return result;
  }

  // Counts one expansion step (a repeat iteration, or a line produced) at `line`; an error
  // there once the whole parse has taken more than the bound.
  Status Step(const std::string& path, const SourceLine& line) {
    if (++steps_ > kMaxExpansionSteps) {
      return Error(path, line, 1,
                   "the script takes more than " + std::to_string(kMaxExpansionSteps) +
                       " steps to unroll; expected smaller repeat counts");
    }
    return Status::OK();
  }

  // Unrolls `repeat N` ... `end` blocks of lines [begin, end), replacing "{i}" by the index of
  // the outermost repeat (0-based). Recursion is bounded by kMaxRepeatDepth; no block is
  // copied, so the work is the steps counted, whatever the depth.
  Status Expand(const std::vector<SourceLine>& lines, const std::vector<size_t>& block_end,
                size_t begin, size_t end, const std::string* index, const std::string& path,
                std::vector<SourceLine>* out) {
    for (size_t i = begin; i < end; ++i) {
      SourceLine line = Substitute(lines[i], index);
      scenario::LexResult lex = scenario::Tokenize(line.text);
      if (!lex.error.empty()) return Error(path, line, lex.error_column, lex.error);
      const Block kind = lex.tokens.empty() ? Block::kNone : BlockOf(lex.tokens[0]);
      if (kind != Block::kRepeat) {
        if (Status s = Step(path, line); !s.ok()) return s;
        out->push_back(std::move(line));
        if (++lines_ > kMaxLines) {
          return Error(path, out->back(), 1,
                       "the script unrolls to more than " + std::to_string(kMaxLines) +
                           " lines; expected smaller repeat counts");
        }
        continue;
      }
      uint64_t count = 0;
      if (lex.tokens.size() != 2 || !ParseNumber(lex.tokens[1].text, &count) || count > 100000) {
        const int column = lex.tokens.size() > 1 ? lex.tokens[1].column : EndColumn(line);
        return Error(path, line, column, "expected 'repeat N' with N from 0 to 100000");
      }
      for (uint64_t k = 0; k < count; ++k) {
        if (Status s = Step(path, line); !s.ok()) return s;
        // Only the outermost repeat names the iteration; inner ones pass its index down.
        const std::string iteration = index == nullptr ? std::to_string(k) : std::string();
        const std::string* outermost = index != nullptr ? index : &iteration;
        if (Status s = Expand(lines, block_end, i + 1, block_end[i], outermost, path, out);
            !s.ok()) {
          return s;
        }
      }
      i = block_end[i];
    }
    return Status::OK();
  }

  // An unquoted `bytes(N,C)` is N copies of the character C (N up to 16 MiB): large values
  // without a large script. Everything else is the token itself.
  static std::string ExpandBytes(const Token& token, std::string* out) {
    *out = token.text;
    if (token.quoted || !token.text.starts_with("bytes(") || !token.text.ends_with(")")) return "";
    const std::string inner = token.text.substr(6, token.text.size() - 7);
    const size_t comma = inner.find(',');
    uint64_t n = 0;
    if (comma == std::string::npos || comma + 2 != inner.size() ||
        !ParseNumber(inner.substr(0, comma), &n) || n > (16u << 20)) {
      return "expected bytes(N,C): N up to 16777216 copies of one character C";
    }
    *out = std::string(n, inner[comma + 1]);
    return "";
  }

  static int EndColumn(const SourceLine& line) { return static_cast<int>(line.text.size()) + 1; }

  static bool ParseNumber(const std::string& text, uint64_t* value) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
    return ec == std::errc() && ptr == text.data() + text.size();
  }

  static std::string Suggest(const std::string& word, const std::vector<std::string_view>& known) {
    std::string_view best;
    size_t best_distance = 3;
    for (std::string_view k : known) {
      const size_t d = EditDistance(word, k);
      if (d < best_distance) {
        best_distance = d;
        best = k;
      }
    }
    return best.empty() ? std::string() : " (did you mean '" + std::string(best) + "'?)";
  }

  Status ParseLine(const SourceLine& line, const std::string& path, Scenario* out, int depth) {
    scenario::LexResult lex = scenario::Tokenize(line.text);
    if (!lex.error.empty()) return Error(path, line, lex.error_column, lex.error);
    std::vector<Token>& t = lex.tokens;
    if (t.empty()) return Status::OK();
    ScenarioCommand cmd;
    cmd.location = {path, line.number};
    const size_t first = line.text.find_first_not_of(" \t");
    cmd.text = line.text.substr(first);
    while (!cmd.text.empty() && (cmd.text.back() == ' ' || cmd.text.back() == '\r')) {
      cmd.text.pop_back();
    }
    size_t verb_at = 0;
    if (!t[0].quoted && txns_.count(t[0].text) > 0) {
      cmd.txn = t[0].text;
      verb_at = 1;
      if (t.size() < 2)
        return Error(path, line, EndColumn(line),
                     "expected a transaction command "
                     "(get, put, delete, scan, commit or rollback)");
    }
    const Token& verb = t[verb_at];
    cmd.verb = verb.text;
    for (size_t i = verb_at + 1; i < t.size(); ++i) {
      std::string expanded;
      if (std::string error = ExpandBytes(t[i], &expanded); !error.empty()) {
        return Error(path, line, t[i].column, error);
      }
      argument_bytes_ += expanded.size();
      if (argument_bytes_ > kMaxArgumentBytes) {
        return Error(path, line, t[i].column, "the script's values exceed 256 MiB in all");
      }
      cmd.args.push_back(std::move(expanded));
    }
    const Scope scope = cmd.txn.empty() ? Scope::kScript : Scope::kTxn;
    const VerbSpec* spec = verb.quoted ? nullptr : scenario::FindVerb(verb.text, scope);
    if (spec == nullptr || spec->parse == nullptr) {
      const std::vector<std::string_view> known = scenario::VerbNames(scope);
      std::string message = "unknown " +
                            std::string(cmd.txn.empty() ? "command" : "transaction command") +
                            " '" + verb.text + "'";
      std::string hint = Suggest(verb.text, known);
      if (hint.empty() && cmd.txn.empty()) {
        if (std::string txn_hint = Suggest(verb.text, scenario::VerbNames(Scope::kTxn));
            !txn_hint.empty()) {
          hint = txn_hint.substr(0, txn_hint.size() - 2) + ", a transaction's command: 'T " +
                 txn_hint.substr(txn_hint.find('\'') + 1);
          hint.pop_back();
          hint += "'?)";
        }
      }
      if (hint.empty() && cmd.txn.empty() && t.size() > 1 &&
          scenario::FindVerb(t[1].text, Scope::kTxn) != nullptr) {
        hint = " (no transaction '" + verb.text + "' was begun: add 'begin " + verb.text + "')";
      }
      return Error(path, line, verb.column, message + hint);
    }
    // Checks the arguments against the verb's shape; `at` is the index into t of args[0].
    const size_t at = verb_at + 1;
    auto arg_column = [&](size_t k) {
      return at + k < t.size() ? t[at + k].column : EndColumn(line);
    };
    scenario::ArgReader reader(*spec, cmd.args);
    if (!spec->parse(reader, &cmd.statement)) {
      return Error(path, line, arg_column(reader.bad()), reader.problem());
    }
    if (const auto* begin = std::get_if<scenario::BeginCommand>(&cmd.statement)) {
      txns_.insert(begin->txn);
    } else if (const auto* option = std::get_if<scenario::OptionCommand>(&cmd.statement)) {
      if (std::string error = scenario::ApplyOption(option->name, option->value, &out->options);
          !error.empty()) {
        return Error(path, line, arg_column(error.starts_with("unknown option") ? 0 : 1), error);
      }
      return Status::OK();
    } else if (const auto* include = std::get_if<scenario::IncludeCommand>(&cmd.statement)) {
      return Include(include->file, path, line, arg_column(0), out, depth);
    }
    out->commands.push_back(std::move(cmd));
    return Status::OK();
  }

  Status Include(const std::string& name, const std::string& path, const SourceLine& line,
                 int column, Scenario* out, int depth) {
    if (depth >= kMaxIncludeDepth) {
      return Error(
          path, line, column,
          "includes nested more than " + std::to_string(kMaxIncludeDepth) + " deep (a cycle?)");
    }
    const size_t slash = path.rfind('/');
    const std::string target = name.starts_with('/') || slash == std::string::npos
                                   ? name
                                   : path.substr(0, slash + 1) + name;
    std::string text;
    if (Status s = ReadFileWithLimit(*fs_, target, kMaxScriptBytes, "a scenario script", &text);
        !s.ok()) {
      return Error(path, line, column, "cannot include " + target + ": " + s.ToString());
    }
    return ParseText(text, target, out, depth + 1);
  }

  std::shared_ptr<FileSystem> fs_;
  std::set<std::string> txns_;
  uint64_t argument_bytes_ = 0;
  uint64_t steps_ = 0;  // expansion steps of the whole parse, includes too (kMaxExpansionSteps)
  size_t lines_ = 0;    // unrolled lines of the whole parse, includes too (kMaxLines)
};

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

}  // namespace

std::string ScriptLocation::ToString() const { return file + ":" + std::to_string(line); }

Result<Scenario> ParseScenario(std::string_view text, const std::string& path,
                               std::shared_ptr<FileSystem> fs) {
  if (fs == nullptr) fs = PosixFileSystem();
  Scenario scenario;
  scenario.name = BaseName(path);
  scenario.path = path;
  Parser parser(fs);
  if (Status s = parser.ParseText(text, path, &scenario, 0); !s.ok()) return s;
  return scenario;
}

Result<Scenario> ParseScenarioFile(const std::string& path, std::shared_ptr<FileSystem> fs) {
  if (fs == nullptr) fs = PosixFileSystem();
  std::string text;
  if (Status s = ReadFileWithLimit(*fs, path, kMaxScriptBytes, "a scenario script", &text);
      !s.ok()) {
    return s;
  }
  return ParseScenario(text, path, fs);
}

}  // namespace memdb
