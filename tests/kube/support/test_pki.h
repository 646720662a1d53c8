#pragma once

#include <string>
#include <vector>

namespace tierguard::kube::testing {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

// A throwaway PKI made in-process for one test binary run: a CA, a server certificate
// (SANs as given, e.g. {"IP:127.0.0.1", "DNS:localhost"}) and a client certificate.
struct TestPki {
  KeyPair ca;
  KeyPair server;
  KeyPair client;
};

TestPki make_test_pki(const std::vector<std::string>& server_sans = {"IP:127.0.0.1",
                                                                     "DNS:localhost"});

// A certificate signed by `issuer` (or self-signed when issuer is empty).
KeyPair make_certificate(const std::string& common_name, const std::vector<std::string>& sans,
                         bool is_ca, const KeyPair* issuer);

}  // namespace tierguard::kube::testing
