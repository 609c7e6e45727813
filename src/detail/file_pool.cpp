#include "detail/file_pool.hpp"

namespace gioexport::detail {

file_pool::~file_pool()
{
    if (pool_)
        pool_->join();
}

boost::asio::thread_pool::executor_type file_pool::executor()
{
    std::call_once(started_, [this] { pool_ = std::make_unique<boost::asio::thread_pool>(threads_); });
    return pool_->get_executor();
}

}  // namespace gioexport::detail
