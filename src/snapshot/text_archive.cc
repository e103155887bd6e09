#include "snapshot/text_archive.h"

#include <cctype>
#include <cereal/archives/json.hpp>
#include <cereal/archives/xml.hpp>
#include <sstream>
#include <utility>

#include "snapshot/archive_document.h"
#include "snapshot/archive_io.h"
#include "snapshot/text_encoding.h"

namespace memdb::snapshot {
namespace {

// The deepest nesting of JSON arrays and objects in `text`, counting only brackets outside
// strings; stops early once past `limit`. *offset is where the limit was passed.
uint32_t JsonDepth(std::string_view text, uint32_t limit, size_t* offset) {
  uint32_t depth = 0;
  uint32_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) {
        *offset = i;
        return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// The offset of the first JSON number outside strings that is not a plain unsigned integer
// (a sign, fraction or exponent), or npos. A snapshot document has only unsigned integers, and
// RapidJSON's floating-point path is best never entered: on "0e67" it calls clz(0), which is
// undefined behaviour (found by fuzz/snapshot_fuzzer).
size_t FirstNonIntegerNumber(std::string_view text) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const size_t start = i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '.' || text[i] == '+' || text[i] == '-')) {
        if (text[i] < '0' || text[i] > '9') return start;
        ++i;
      }
      --i;
    }
  }
  return std::string_view::npos;
}

// The deepest element nesting in `text`, as RapidXML would see it: comments, CDATA, processing
// instructions and declarations are skipped whole (so a "</a>" inside one cannot lower the
// count), and quoted attribute values cannot end a tag. Returns limit + 1 (and *offset) once
// the limit is passed or for a close tag with nothing open (which RapidXML rejects anyway).
uint32_t XmlDepth(std::string_view text, uint32_t limit, size_t* offset) {
  uint32_t depth = 0;
  uint32_t deepest = 0;
  size_t i = 0;
  auto skip_past = [&](std::string_view end) {
    const size_t at = text.find(end, i);
    i = at == std::string_view::npos ? text.size() : at + end.size();
  };
  while ((i = text.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("<!--")) {
      skip_past("-->");
    } else if (rest.starts_with("<![CDATA[")) {
      skip_past("]]>");
    } else if (rest.starts_with("<?")) {
      skip_past("?>");
    } else if (rest.starts_with("<!")) {
      skip_past(">");
    } else if (rest.starts_with("</")) {
      if (depth == 0) {
        *offset = i;
        return limit + 1;
      }
      --depth;
      skip_past(">");
    } else {
      const size_t start = i;
      char quote = '\0';
      for (++i; i < text.size(); ++i) {
        const char c = text[i];
        if (quote != '\0') {
          if (c == quote) quote = '\0';
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      const bool self_closing = i < text.size() && text[i - 1] == '/';
      if (!self_closing && ++depth > deepest) deepest = depth;
      if (deepest > limit) {
        *offset = start;
        return deepest;
      }
    }
  }
  return deepest;
}

}  // namespace

Result<std::string> SaveTextArchive(const Snapshot& snapshot, SnapshotFormat format) {
  std::ostringstream stream;
  try {
    const ArchiveDocument doc = ToDocument(snapshot, /*tagged=*/true);
    // The archives write their closing brackets when destroyed, hence the inner scopes.
    if (format == SnapshotFormat::kJson) {
      cereal::JSONOutputArchive archive(stream, cereal::JSONOutputArchive::Options::Default());
      archive(cereal::make_nvp(kDocumentName, doc));
    } else {
      cereal::XMLOutputArchive archive(stream);
      archive(cereal::make_nvp(kDocumentName, doc));
    }
  } catch (const std::exception& e) {
    return Status::IOError("saving a " + std::string(SnapshotFormatName(format)) +
                           " snapshot failed: " + ExceptionText(e));
  }
  std::string out = std::move(stream).str();
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

Result<Snapshot> LoadTextArchive(std::string_view text, std::string_view name,
                                 SnapshotFormat format, const SnapshotLimits& limits) {
  std::string where(name);
  where.append(": ").append(SnapshotFormatName(format)).append(" snapshot");
  auto corrupt = [&](const std::string& what) { return Status::Corruption(where + ": " + what); };
  if (text.size() > limits.max_bytes) {
    return Status::InvalidArgument(where + " of " + std::to_string(text.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(limits.max_bytes) + " (SnapshotLimits)");
  }
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return corrupt("NUL byte at offset " + std::to_string(nul));
  }
  if (size_t bad = 0; !IsValidUtf8(text, &bad)) {
    return corrupt("invalid UTF-8 at offset " + std::to_string(bad));
  }
  size_t deep_at = 0;
  const uint32_t depth = format == SnapshotFormat::kJson
                             ? JsonDepth(text, limits.max_depth, &deep_at)
                             : XmlDepth(text, limits.max_depth, &deep_at);
  if (depth > limits.max_depth) {
    return corrupt("nesting deeper than " + std::to_string(limits.max_depth) +
                   " levels (or unbalanced) at offset " + std::to_string(deep_at) +
                   " (a snapshot document needs 5)");
  }
  if (format == SnapshotFormat::kJson) {
    if (const size_t at = FirstNonIntegerNumber(text); at != std::string_view::npos) {
      return corrupt("the number at offset " + std::to_string(at) +
                     " is not an unsigned integer (the only numbers a snapshot holds)");
    }
  }
  ArchiveDocument doc;
  try {
    std::istringstream stream{std::string(text)};
    if (format == SnapshotFormat::kJson) {
      cereal::JSONInputArchive archive(stream);
      archive(cereal::make_nvp(kDocumentName, doc));
    } else {
      cereal::XMLInputArchive archive(stream);
      archive(cereal::make_nvp(kDocumentName, doc));
    }
  } catch (const std::exception& e) {
    return corrupt("cereal could not load it: " + ExceptionText(e));
  } catch (...) {
    return corrupt("cereal could not load it (an unknown exception)");
  }
  return FromDocument(std::move(doc), /*tagged=*/true, where);
}

}  // namespace memdb::snapshot
