// A thread-safe map from octet-string keys to shared immutable values that
// keeps at most `capacity` entries, dropping the least recently used. A
// dropped value lives on for whoever still holds it.
#ifndef MCXTEST_CRYPTO_BOUNDED_CACHE_H_
#define MCXTEST_CRYPTO_BOUNDED_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx {

template <typename Value>
class BoundedCache {
 public:
  explicit BoundedCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BoundedCache(const BoundedCache&) = delete;
  BoundedCache& operator=(const BoundedCache&) = delete;

  // The cached value for `key`, or make() (a Result<std::shared_ptr<Value>>)
  // stored and returned. make() runs without the lock held, so two threads
  // asking for the same new key may both run it; the first stored wins and
  // both get it. Failures are returned, not cached.
  template <typename Make>
  Result<std::shared_ptr<Value>> GetOrCreate(ByteSpan key, Make&& make) {
    Bytes k(key.begin(), key.end());
    if (std::shared_ptr<Value> hit = Find(k)) return hit;
    Result<std::shared_ptr<Value>> made = make();
    if (!made.ok()) return made.error();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(k);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return it->second->second;
    }
    order_.emplace_front(k, *made);
    index_.emplace(std::move(k), order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return *made;
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return order_.size();
  }

 private:
  using Entry = std::pair<Bytes, std::shared_ptr<Value>>;

  std::shared_ptr<Value> Find(const Bytes& k) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(k);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recently used first
  std::map<Bytes, typename std::list<Entry>::iterator> index_;
};

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_BOUNDED_CACHE_H_
