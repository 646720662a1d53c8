#pragma once

// A throwaway PKI for tests, made with the OpenSSL API at run time: a CA and server
// certificates for 127.0.0.1/localhost signed by it (ECDSA P-256).

#include <string>

namespace tierguard::webhook::testing {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

class TestPki {
 public:
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& ca_cert_pem() const { return ca_.cert_pem; }
  // A server certificate for 127.0.0.1 and localhost with this serial number.
  KeyPair issue_server_cert(long serial) const;
  // A self-signed certificate no client trusts (for mismatch tests).
  static KeyPair self_signed(long serial);

 private:
  KeyPair ca_;
};

// The serial number of the first certificate in a PEM string (-1 when unreadable).
long pem_serial(const std::string& cert_pem);

}  // namespace tierguard::webhook::testing
