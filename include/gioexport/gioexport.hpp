// Convenience header for the whole C++ API.
#pragma once

#include <gioexport/auth.hpp>
#include <gioexport/client.hpp>
#include <gioexport/download.hpp>
#include <gioexport/error.hpp>
#include <gioexport/export.hpp>
#include <gioexport/links.hpp>
#include <gioexport/options.hpp>
#include <gioexport/types.hpp>
#include <gioexport/version.hpp>
