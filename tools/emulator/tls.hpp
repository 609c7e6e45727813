// TLS server context: a given certificate or a self-signed one made at start-up.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace emulator {

struct CertificatePair {
    std::string certificate_pem;
    std::string private_key_pem;
};

// Generates an EC P-256 key and a self-signed certificate valid from one hour
// ago for 30 days (system clock), with subjectAltName DNS:localhost,
// IP:127.0.0.1 and IP:::1. Throws std::runtime_error on OpenSSL errors.
CertificatePair generate_self_signed_certificate();

// Returns a server context for TLS 1.2 and 1.3 with the given certificate.
boost::asio::ssl::context make_server_context(const CertificatePair& pair);
boost::asio::ssl::context make_server_context(const std::string& cert_file, const std::string& key_file);

} // namespace emulator
