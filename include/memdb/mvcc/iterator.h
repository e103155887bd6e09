// Iterator: an ordered walk over the keys of one snapshot.
//
//   for (memdb::Iterator it = txn.NewIterator(ScanRange::Prefix("user:")); it.Valid(); it.Next())
//     Use(it.key(), it.value());
//
// An iterator sees exactly one snapshot: the state its transaction (or, for Db::NewIterator, the
// database) had when the iterator was created, merged with the transaction's own writes made
// before that moment. Commits that happen while it is open are never visible through it. It
// keeps that snapshot's versions alive until it is destroyed, so a long-lived iterator holds
// back garbage collection; destroy it when done.
//
// The views returned by key() and value() stay valid until the iterator is destroyed.
//
// Thread safety: one owner; distinct iterators may be used from distinct threads. An iterator
// may outlive the Txn that created it (it owns what it needs); if the Db is closed first,
// Valid() becomes false and status() says the database is closed.
#ifndef MEMDB_MVCC_ITERATOR_H_
#define MEMDB_MVCC_ITERATOR_H_

#include <memory>
#include <string_view>

#include "memdb/util/status.h"

namespace memdb {

namespace mvcc {
class IteratorState;
}

class Iterator {
 public:
  Iterator();  // An exhausted iterator.
  explicit Iterator(std::unique_ptr<mvcc::IteratorState> state);
  Iterator(Iterator&&) noexcept;
  Iterator& operator=(Iterator&&) noexcept;
  ~Iterator();

  // True while positioned on a key.
  bool Valid() const;
  // Moves to the next key in the scan's direction. Requires Valid().
  void Next();
  // The current key and value. Require Valid().
  std::string_view key() const;
  std::string_view value() const;
  // OK unless the scan stopped because of an error (e.g. the Db was closed).
  Status status() const;

 private:
  std::unique_ptr<mvcc::IteratorState> state_;
};

}  // namespace memdb

#endif  // MEMDB_MVCC_ITERATOR_H_
