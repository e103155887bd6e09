// Plumbing shared by the cereal-backed readers and writers (checkpoint files, binary snapshot
// files): streambufs over strings, so cereal reads and writes memory without copies, and the
// text of exceptions and checksums for error messages.
#ifndef MEMDB_SRC_SNAPSHOT_ARCHIVE_IO_H_
#define MEMDB_SRC_SNAPSHOT_ARCHIVE_IO_H_

#include <cstdint>
#include <exception>
#include <new>
#include <streambuf>
#include <string>
#include <string_view>

namespace memdb::snapshot {

// An output streambuf appending to a std::string, so cereal writes straight into it.
class StringSink : public std::streambuf {
 public:
  explicit StringSink(std::string* out) : out_(out) {}

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof()))
      out_->push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  std::string* out_;
};

// An input streambuf over bytes it does not own. The get area is only ever read (putback of a
// different character fails, as it does for any read-only buffer), so the const_cast is safe.
class ViewSource : public std::streambuf {
 public:
  explicit ViewSource(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }
  size_t remaining() const { return static_cast<size_t>(egptr() - gptr()); }
};

// "out of memory (std::bad_alloc)" for bad_alloc, else what().
inline std::string ExceptionText(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
    std::string text = "out of memory (";
    text.append(e.what()).append(")");
    return text;
  }
  return e.what();
}

// "0x1234abcd".
inline std::string Hex32(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 15];
  return out;
}

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_ARCHIVE_IO_H_
