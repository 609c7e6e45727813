#include "tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace emulator {

namespace ssl = boost::asio::ssl;

namespace {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
    void operator()(T* pointer) const { Free(pointer); }
};

using KeyPointer = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertificatePointer = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using BioPointer = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using ExtensionPointer = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;

[[noreturn]] void throw_openssl_error(const std::string& failure)
{
    const unsigned long code = ERR_get_error();
    std::string message = failure;
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof(text));
        message += ": ";
        message += text;
    }
    throw std::runtime_error(message);
}

void check(int result, const char* failure)
{
    if (result <= 0) {
        throw_openssl_error(failure);
    }
}

void add_extension(X509* certificate, int nid, const char* value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    ExtensionPointer extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension) {
        throw_openssl_error(std::string("creating certificate extension ") + value + " failed");
    }
    check(X509_add_ext(certificate, extension.get(), -1), "adding a certificate extension failed");
}

std::string bio_contents(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

ssl::context make_base_context()
{
    ssl::context context(ssl::context::tls_server);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3
                        | ssl::context::single_dh_use);
    check(SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION),
          "setting the minimum TLS version failed");
    check(SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_3_VERSION),
          "setting the maximum TLS version failed");
    return context;
}

} // namespace

CertificatePair generate_self_signed_certificate()
{
    KeyPointer key(EVP_EC_gen("P-256"));
    if (!key) {
        throw_openssl_error("generating an EC P-256 key failed");
    }

    CertificatePointer certificate(X509_new());
    if (!certificate) {
        throw_openssl_error("X509_new failed");
    }
    check(X509_set_version(certificate.get(), 2), "setting the certificate version failed");

    unsigned char serial_bytes[16];
    check(RAND_bytes(serial_bytes, sizeof(serial_bytes)), "RAND_bytes failed");
    serial_bytes[0] &= 0x7f; // a positive serial number
    BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
    const bool serial_set = serial != nullptr && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate.get())) != nullptr;
    BN_free(serial);
    if (!serial_set) {
        throw_openssl_error("setting the certificate serial number failed");
    }

    if (X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) == nullptr
        || X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 30L * 86400) == nullptr) {
        throw_openssl_error("setting the certificate validity failed");
    }
    check(X509_set_pubkey(certificate.get(), key.get()), "setting the certificate key failed");

    X509_NAME* name = X509_get_subject_name(certificate.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("gioexport-emulator"), -1, -1, 0),
          "setting the certificate subject failed");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                                     -1, -1, 0),
          "setting the certificate subject failed");
    check(X509_set_issuer_name(certificate.get(), name), "setting the certificate issuer failed");

    add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(certificate.get(), NID_ext_key_usage, "serverAuth");
    add_extension(certificate.get(), NID_subject_key_identifier, "hash");
    add_extension(certificate.get(), NID_authority_key_identifier, "keyid:always");
    add_extension(certificate.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");

    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) {
        throw_openssl_error("signing the certificate failed");
    }

    BioPointer certificate_bio(BIO_new(BIO_s_mem()));
    BioPointer key_bio(BIO_new(BIO_s_mem()));
    if (!certificate_bio || !key_bio) {
        throw_openssl_error("BIO_new failed");
    }
    check(PEM_write_bio_X509(certificate_bio.get(), certificate.get()), "writing the certificate PEM failed");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
          "writing the key PEM failed");
    return {bio_contents(certificate_bio.get()), bio_contents(key_bio.get())};
}

ssl::context make_server_context(const CertificatePair& pair)
{
    ssl::context context = make_base_context();
    context.use_certificate_chain(boost::asio::buffer(pair.certificate_pem));
    context.use_private_key(boost::asio::buffer(pair.private_key_pem), ssl::context::pem);
    return context;
}

ssl::context make_server_context(const std::string& cert_file, const std::string& key_file)
{
    ssl::context context = make_base_context();
    boost::system::error_code ec;
    context.use_certificate_chain_file(cert_file, ec);
    if (ec) {
        throw std::runtime_error("cannot load the certificate chain " + cert_file + ": " + ec.message());
    }
    context.use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec) {
        throw std::runtime_error("cannot load the private key " + key_file + ": " + ec.message()
                                 + " (it must be PEM and match --cert)");
    }
    return context;
}

} // namespace emulator
