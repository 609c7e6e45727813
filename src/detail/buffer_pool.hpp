// Reusable fixed-size byte buffers, so a transfer does not map, zero and
// unmap a fresh buffer for every file.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace gioexport::detail {

class buffer_pool {
public:
    // Buffers of `size` bytes; at most `keep` idle ones are kept.
    buffer_pool(std::size_t size, std::size_t keep) : size_(size), keep_(keep) { idle_.reserve(keep); }
    buffer_pool(const buffer_pool&) = delete;
    buffer_pool& operator=(const buffer_pool&) = delete;

    std::size_t buffer_size() const noexcept { return size_; }

    // An idle buffer, or a new one; its bytes are not initialised.
    std::unique_ptr<char[]> take()
    {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto buffer = std::move(idle_.back());
                idle_.pop_back();
                return buffer;
            }
        }
        return std::unique_ptr<char[]>(new char[size_]);
    }

    // How many buffers wait for a take().
    std::size_t idle_count()
    {
        std::lock_guard lock(mutex_);
        return idle_.size();
    }

    // Keeps the buffer for a later take(), or frees it when enough are idle.
    void give_back(std::unique_ptr<char[]> buffer) noexcept
    {
        std::lock_guard lock(mutex_);
        if (buffer && idle_.size() < keep_)
            idle_.push_back(std::move(buffer));
    }

private:
    const std::size_t size_;
    const std::size_t keep_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<char[]>> idle_;
};

}  // namespace gioexport::detail
