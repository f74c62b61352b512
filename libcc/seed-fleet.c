/* seed-fleet.c: the demo fleet: teams, owners, issuers, agents, targets, profiles and the
 * managed certificates (ids and counts follow the v2 seed_demo.sql) */
#include <string.h>
#include "libcc/seed-data.h"
#include "libcc/banned.h"

static const char *const teams[][5] = {
	{ "t-platform", "Platform Engineering", "Shared infrastructure, load balancers, Kubernetes",
	  "-365d", "-20d" },
	{ "t-security", "Security", "PKI, identity, secrets and compliance", "-365d", "-45d" },
	{ "t-payments", "Payments", "Checkout, billing and PCI-scoped services", "-340d", "-12d" },
	{ "t-frontend", "Frontend", "Public web properties and CDN", "-320d", "-60d" },
	{ "t-data", "Data", "Warehouse, pipelines and streaming", "-300d", "-30d" },
	{ "t-devops", "DevOps", "CI/CD, build farm and developer tooling", "-280d", "-7d" },
};

static const char *const owners[][6] = {
	{ "o-alice", "Alice Chen", "alice.chen@example.com", "t-platform", "-360d", "-20d" },
	{ "o-bob", "Bob Martinez", "bob.martinez@example.com", "t-security", "-360d", "-45d" },
	{ "o-carol", "Carol Okafor", "carol.okafor@example.com", "t-payments", "-335d", "-12d" },
	{ "o-dave", "Dave Kowalski", "dave.kowalski@example.com", "t-frontend", "-318d", "-60d" },
	{ "o-eve", "Eve Nakamura", "eve.nakamura@example.com", "t-data", "-298d", "-30d" },
	{ "o-frank", "Frank Schmidt", "frank.schmidt@example.com", "t-devops", "-279d", "-7d" },
};

static const char *const profiles[][12] = {
	{ "prof-standard-tls", "standard-tls", "Public and internal TLS servers, 90 days",
	  "[{\"algorithm\":\"ECDSA\",\"min_size\":256},{\"algorithm\":\"RSA\",\"min_size\":2048}]",
	  "7776000", "[\"serverAuth\"]", "[]", "", "0", "1", "-360d", "-90d" },
	{ "prof-internal-mtls", "internal-mtls", "Service-to-service mTLS, 30 days",
	  "[{\"algorithm\":\"ECDSA\",\"min_size\":256}]", "2592000",
	  "[\"serverAuth\",\"clientAuth\"]", "[\"\\\\.internal$\"]", "", "0", "1", "-200d",
	  "-88d" },
	{ "prof-short-lived", "short-lived", "SPIFFE workload identities, 5 minutes",
	  "[{\"algorithm\":\"ECDSA\",\"min_size\":256}]", "300", "[\"clientAuth\",\"serverAuth\"]",
	  "[]", "spiffe://example.com/ns/*/sa/*", "1", "1", "-180d", "-60d" },
	{ "prof-high-security", "high-security", "PCI and VPN endpoints: 47 days, strong keys",
	  "[{\"algorithm\":\"RSA\",\"min_size\":4096},{\"algorithm\":\"ECDSA\",\"min_size\":384}]",
	  "4060800", "[\"serverAuth\"]", "[]", "", "0", "1", "-190d", "-45d" },
	{ "prof-smime", "smime", "S/MIME e-mail signing and encryption, 365 days",
	  "[{\"algorithm\":\"ECDSA\",\"min_size\":256},{\"algorithm\":\"RSA\",\"min_size\":2048}]",
	  "31536000", "[\"emailProtection\"]", "[\"@example\\\\.com$\"]", "", "0", "1", "-360d",
	  "-88d" },
};

static const char *const policies[][9] = {
	{ "rp-default", "default", "30", "1", "3", "60", "[30,14,7,0]", "-365d", "-365d" },
	{ "rp-standard", "standard", "30", "1", "3", "60", "[30,14,7,0]", "-360d", "-100d" },
	{ "rp-urgent", "urgent", "14", "1", "5", "15", "[14,7,3,1,0]", "-300d", "-50d" },
	{ "rp-manual", "manual", "45", "0", "0", "1440", "[60,30,14,7]", "-300d", "-300d" },
};

#define PW "\"********\""
static const char *const issuers[][10] = {
	{ "iss-local", "Local CA", "GenericCA",
	  "{\"ca_common_name\":\"certctl demo CA\",\"validity_days\":90}", "1", "-2d", "success",
	  "database", "-365d", "-30d" },
	{ "iss-acme-le", "Let's Encrypt", "ACME",
	  "{\"directory_url\":\"https://acme-v02.api.letsencrypt.org/directory\",\"email\":"
	  "\"pki@example.com\",\"challenge_type\":\"http-01\",\"http_port\":80,\"ari_enabled\":"
	  "true}",
	  "1", "-1d", "success", "database", "-365d", "-86d" },
	{ "iss-acme-zs", "ZeroSSL", "ACME",
	  "{\"directory_url\":\"https://acme.zerossl.com/v2/DV90\",\"email\":\"pki@example.com\","
	  "\"eab_kid\":\"zs-4f2a9c1e\",\"eab_hmac\":" PW ",\"challenge_type\":\"dns-01\","
	  "\"dns_present_script\":\"/opt/certctl/dns/present.sh\","
	  "\"dns_cleanup_script\":\"/opt/certctl/dns/cleanup.sh\"}",
	  "1", "-3d", "success", "database", "-300d", "-40d" },
	{ "iss-stepca", "step-ca", "StepCA",
	  "{\"ca_url\":\"https://ca.internal.example.com:9000\",\"root_cert_path\":"
	  "\"/etc/certctl/stepca-root.pem\",\"provisioner_name\":\"certctl\","
	  "\"provisioner_key_path\":" PW ",\"provisioner_password\":" PW "}",
	  "1", "-5d", "success", "database", "-250d", "-5d" },
	{ "iss-openssl", "OpenSSL/Custom CA", "OpenSSL",
	  "{\"sign_script\":\"/opt/ca/sign.sh\",\"revoke_script\":\"/opt/ca/revoke.sh\","
	  "\"crl_script\":\"/opt/ca/crl.sh\",\"timeout_seconds\":30}",
	  "0", "-86d+2h", "failed", "database", "-365d", "-86d+2h" },
	{ "iss-vault", "Vault PKI", "VaultPKI",
	  "{\"addr\":\"https://vault.internal.example.com:8200\",\"token\":" PW
	  ",\"mount\":\"pki_int\",\"role\":\"internal-servers\",\"ttl\":\"2160h\"}",
	  "1", "-1d", "success", "database", "-260d", "-60d" },
	{ "iss-digicert", "DigiCert CertCentral", "DigiCert",
	  "{\"api_key\":" PW ",\"org_id\":\"418237\",\"product_type\":\"ssl_plus\","
	  "\"base_url\":\"https://www.digicert.com/services/v2\"}",
	  "1", "-7d", "success", "database", "-240d", "-7d" },
	{ "iss-sectigo", "Sectigo SCM", "Sectigo",
	  "{\"customer_uri\":\"example\",\"login\":\"certctl-api\",\"password\":" PW
	  ",\"org_id\":12345,\"cert_type\":224,\"term\":365,"
	  "\"base_url\":\"https://cert-manager.com/api\"}",
	  "1", NULL, "untested", "database", "-230d", "-230d" },
	{ "iss-googlecas", "Google CAS", "GoogleCAS",
	  "{\"project\":\"example-pki-prod\",\"location\":\"us-central1\",\"ca_pool\":"
	  "\"internal-pool\",\"credentials\":" PW ",\"ttl\":\"8760h\"}",
	  "0", NULL, "untested", "database", "-200d", "-150d" },
	{ "iss-awsacmpca", "AWS ACM Private CA", "AWSACMPCA",
	  "{\"region\":\"us-east-1\",\"ca_arn\":\"arn:aws:acm-pca:us-east-1:123456789012:"
	  "certificate-authority/6f3c2a1b-8d4e-4f7a-9b2c-1e5d7a9c3f01\","
	  "\"signing_algorithm\":\"SHA256WITHECDSA\",\"validity_days\":365}",
	  "0", "-120d", "failed", "database", "-200d", "-120d" },
	{ "iss-entrust", "Entrust", "Entrust",
	  "{\"api_url\":\"https://api.entrust.net/enterprise\",\"client_cert_path\":"
	  "\"/etc/certctl/entrust-client.pem\",\"client_key_path\":" PW
	  ",\"ca_id\":\"CA-7731\",\"profile_id\":\"PR-TLS-1Y\"}",
	  "0", "-21d", "failed", "database", "-150d", "-21d" },
	{ "iss-globalsign", "GlobalSign Atlas", "GlobalSign",
	  "{\"api_url\":\"https://emea.api.hvca.globalsign.com:8443\",\"api_key\":" PW
	  ",\"api_secret\":" PW ",\"client_cert_path\":\"/etc/certctl/gs-client.pem\","
	  "\"client_key_path\":" PW "}",
	  "0", NULL, "untested", "database", "-140d", "-140d" },
	{ "iss-ejbca", "EJBCA", "EJBCA",
	  "{\"api_url\":\"https://ejbca.internal.example.com/ejbca/ejbca-rest-api/v1\","
	  "\"auth_mode\":\"mtls\",\"client_cert_path\":\"/etc/certctl/ejbca-client.pem\","
	  "\"client_key_path\":" PW ",\"ca_name\":\"ManagementCA\",\"cert_profile\":"
	  "\"TLSServer\",\"ee_profile\":\"certctl\"}",
	  "0", NULL, "untested", "database", "-130d", "-130d" },
};

static const char *const agents[][11] = {
	{ "ag-web-prod", "web-prod-01", "web-prod-01.example.com", "Online", "-30s", "-300d", NULL,
	  "linux", "amd64", "10.0.1.10", "2.1.0" },
	{ "ag-web-staging", "web-staging-01", "web-staging-01.example.com", "Online", "-45s",
	  "-250d", NULL, "linux", "amd64", "10.0.2.10", "2.1.0" },
	{ "ag-lb-prod", "lb-prod-01", "lb-prod-01.example.com", "Online", "-20s", "-290d", NULL,
	  "linux", "amd64", "10.0.1.5", "2.1.0" },
	{ "ag-iis-prod", "iis-prod-01", "IIS-PROD-01.corp.example.com", "Offline", "-3d-2h",
	  "-200d", NULL, "windows", "amd64", "10.0.3.20", "2.0.14" },
	{ "ag-data-prod", "data-prod-01", "data-prod-01.example.com", "Online", "-1m", "-180d",
	  NULL, "linux", "arm64", "10.20.1.10", "2.1.0" },
	{ "ag-edge-01", "edge-01", "edge-01.example.com", "Online", "-50s", "-120d", NULL, "linux",
	  "arm64", "10.30.0.5", "2.0.14" },
	{ "ag-k8s-prod", "k8s-prod-agent", "k8s-node-01.example.com", "Online", "-15s", "-150d",
	  NULL, "linux", "amd64", "10.40.0.12", "2.1.0" },
	{ "ag-mac-dev", "mac-dev-frank", "franks-macbook.local", "Online", "-5m", "-60d", NULL,
	  "darwin", "arm64", "10.50.0.44", "2.1.0-rc.2" },
	{ "server-scanner", "server-scanner", "certctl-server", "Online", "-1m", "-365d", NULL,
	  "linux", "amd64", "10.0.0.2", "2.1.0" },
	{ "cloud-aws-sm", "cloud-aws-sm", "certctl-server", "Online", "-2m", "-200d", NULL, "linux",
	  "amd64", "10.0.0.2", "2.1.0" },
	{ "cloud-azure-kv", "cloud-azure-kv", "certctl-server", "Online", "-2m", "-200d", NULL,
	  "linux", "amd64", "10.0.0.2", "2.1.0" },
	{ "cloud-gcp-sm", "cloud-gcp-sm", "certctl-server", "Online", "-2m", "-200d", NULL, "linux",
	  "amd64", "10.0.0.2", "2.1.0" },
};

static const char *const groups[][10] = {
	{ "ag-linux-prod", "linux-prod", "Linux servers in production", "linux", "", "", "", "1",
	  "-84d", "-84d" },
	{ "ag-linux-amd64", "linux-amd64", "Linux on x86-64", "linux", "amd64", "", "", "1", "-84d",
	  "-60d" },
	{ "ag-windows", "windows", "Windows hosts (IIS, certificate store)", "windows", "", "", "",
	  "1", "-80d", "-80d" },
	{ "ag-datacenter-a", "datacenter-a", "Everything in datacenter A", "", "", "10.0.0.0/16",
	  "", "1", "-80d", "-30d" },
	{ "ag-arm64", "arm64", "ARM64 hosts (edge, data)", "", "arm64", "", "", "1", "-70d",
	  "-70d" },
	{ "ag-manual", "manual", "Hand-picked agents for staged rollouts", "", "", "", "", "1",
	  "-84d", "-84d" },
};

static const char *const members[][4] = {
	{ "ag-manual", "ag-web-prod", "include", "-84d" },
	{ "ag-manual", "ag-web-staging", "include", "-84d" },
	{ "ag-manual", "ag-iis-prod", "include", "-80d" },
};

static const char *const targets[][11] = {
	{ "tgt-nginx-prod", "nginx-prod", "NGINX", "ag-web-prod",
	  "{\"cert_path\":\"/etc/nginx/ssl/cert.pem\",\"key_path\":\"/etc/nginx/ssl/key.pem\","
	  "\"chain_path\":\"/etc/nginx/ssl/chain.pem\",\"reload_command\":\"nginx -s reload\","
	  "\"validate_command\":\"nginx -t\"}",
	  "1", "-80d", "success", "database", "-290d", "-80d" },
	{ "tgt-nginx-staging", "nginx-staging", "NGINX", "ag-web-staging",
	  "{\"cert_path\":\"/etc/nginx/ssl/cert.pem\",\"key_path\":\"/etc/nginx/ssl/key.pem\","
	  "\"chain_path\":\"/etc/nginx/ssl/chain.pem\",\"reload_command\":\"nginx -s reload\","
	  "\"validate_command\":\"nginx -t\"}",
	  "1", "-30d", "success", "database", "-250d", "-30d" },
	{ "tgt-haproxy-prod", "haproxy-prod", "HAProxy", "ag-lb-prod",
	  "{\"pem_path\":\"/etc/haproxy/certs/site.pem\","
	  "\"reload_command\":\"/usr/local/bin/haproxy-reload\","
	  "\"validate_command\":\"/usr/local/bin/haproxy-check\"}",
	  "1", "-60d", "success", "database", "-290d", "-60d" },
	{ "tgt-apache-prod", "apache-prod", "Apache", "ag-web-prod",
	  "{\"cert_path\":\"/etc/apache2/ssl/cert.pem\",\"key_path\":\"/etc/apache2/ssl/key.pem\","
	  "\"chain_path\":\"/etc/apache2/ssl/chain.pem\","
	  "\"reload_command\":\"/usr/local/bin/apache-reload\","
	  "\"validate_command\":\"/usr/local/bin/apache-configtest\"}",
	  "1", "-1d", "failed", "database", "-280d", "-1d" },
	{ "tgt-iis-prod", "iis-prod", "IIS", "ag-iis-prod",
	  "{\"hostname\":\"IIS-PROD-01\",\"site_name\":\"Default Web Site\",\"cert_store\":\"My\","
	  "\"binding_info\":\"intranet.corp.example.com\",\"port\":443,\"sni\":true,"
	  "\"ip_address\":\"*\",\"mode\":\"local\"}",
	  "1", "-3d", "failed", "database", "-200d", "-3d" },
	{ "tgt-traefik-prod", "traefik-prod", "Traefik", "ag-k8s-prod",
	  "{\"cert_dir\":\"/etc/traefik/"
	  "certs\",\"cert_file\":\"cert.pem\",\"key_file\":\"key.pem\"}",
	  "1", "-57d", "success", "database", "-150d", "-57d" },
	{ "tgt-caddy-prod", "caddy-prod", "Caddy", "ag-edge-01",
	  "{\"mode\":\"api\",\"admin_api\":\"http://localhost:2019\",\"cert_dir\":"
	  "\"/etc/caddy/certs\",\"cert_file\":\"cert.pem\",\"key_file\":\"key.pem\"}",
	  "1", NULL, "untested", "database", "-120d", "-120d" },
	{ "tgt-nginx-data", "nginx-data", "NGINX", "ag-data-prod",
	  "{\"cert_path\":\"/etc/nginx/ssl/data.pem\",\"key_path\":\"/etc/nginx/ssl/data.key\","
	  "\"chain_path\":\"/etc/nginx/ssl/data-chain.pem\",\"reload_command\":\"systemctl reload "
	  "nginx\",\"validate_command\":\"nginx -t\"}",
	  "1", "-24d", "success", "database", "-180d", "-24d" },
};

/* id, name, common_name, sans, environment, owner, team, issuer, renewal policy, profile,
 * status, expires_at, tags, last_renewal_at, last_deployment_at, revoked_at, revocation_reason,
 * created_at, updated_at */
static const char *const certs[][19] = {
	{ "mc-api-prod", "api-prod", "api.example.com", "api.example.com api-v2.example.com",
	  "production", "o-alice", "t-platform", "iss-acme-le", "rp-standard", "prof-standard-tls",
	  "Active", "+62d", "{\"app\":\"api\",\"tier\":\"backend\",\"cost_center\":\"cc-1001\"}",
	  "-28d", "-28d+10m", NULL, NULL, "-150d", "-28d+10m" },
	{ "mc-web-prod", "web-prod", "www.example.com", "www.example.com example.com", "production",
	  "o-dave", "t-frontend", "iss-acme-le", "rp-standard", "prof-standard-tls", "Active",
	  "+75d", "{\"app\":\"website\",\"tier\":\"frontend\",\"cost_center\":\"cc-2001\"}", "-15d",
	  "-15d+12m", NULL, NULL, "-80d", "-15d+12m" },
	{ "mc-pay-prod", "pay-prod", "pay.example.com", "pay.example.com checkout.example.com",
	  "production", "o-carol", "t-payments", "iss-digicert", "rp-urgent", "prof-standard-tls",
	  "Active", "+40d", "{\"app\":\"checkout\",\"pci\":\"true\",\"cost_center\":\"cc-3001\"}",
	  "-50d", "-50d+15m", NULL, NULL, "-235d", "-50d+15m" },
	{ "mc-auth-prod", "auth-prod", "auth.example.com", "auth.example.com login.example.com",
	  "production", "o-bob", "t-security", "iss-vault", "rp-standard", NULL, "Active", "+120d",
	  "{\"app\":\"sso\",\"tier\":\"backend\"}", "-245d", "-245d+20m", NULL, NULL, "-250d",
	  "-245d+20m" },
	{ "mc-wildcard-prod", "wildcard-prod", "*.example.com", "*.example.com example.com",
	  "production", "o-alice", "t-platform", "iss-digicert", "rp-standard", NULL, "Active",
	  "+210d", "{\"app\":\"shared\",\"scope\":\"wildcard\"}", "-155d", "-155d+30m", NULL, NULL,
	  "-160d", "-155d+30m" },
	{ "mc-cdn-prod", "cdn-prod", "cdn.example.com",
	  "cdn.example.com static.example.com assets.example.com", "production", "o-dave",
	  "t-frontend", "iss-acme-zs", "rp-standard", "prof-standard-tls", "Active", "+55d",
	  "{\"app\":\"cdn\"}", "-35d", "-35d+5m", NULL, NULL, "-125d", "-35d+5m" },
	{ "mc-grafana", "grafana", "grafana.internal.example.com", "grafana.internal.example.com",
	  "production", "o-alice", "t-platform", "iss-local", "rp-default", "prof-standard-tls",
	  "Active", "+48d", "{\"app\":\"monitoring\"}", "-42d", "-42d+3m", NULL, NULL, "-132d",
	  "-42d+3m" },
	{ "mc-k8s-ingress", "k8s-ingress", "*.apps.k8s.example.com", "*.apps.k8s.example.com",
	  "production", "o-frank", "t-devops", "iss-stepca", "rp-standard", "prof-standard-tls",
	  "Active", "+33d", "{\"app\":\"ingress\",\"cluster\":\"prod-eu-1\"}", "-57d", "-57d+8m",
	  NULL, NULL, "-147d", "-57d+8m" },
	{ "mc-db-mtls", "db-mtls", "postgres.data.internal", "postgres.data.internal 10.20.1.15",
	  "production", "o-eve", "t-data", "iss-vault", "rp-urgent", "prof-internal-mtls",
	  "Expiring", "+12d", "{\"app\":\"postgres\",\"mtls\":\"true\"}", "-18d", "-18d+4m", NULL,
	  NULL, "-200d", "-1d" },
	{ "mc-vpn", "vpn", "vpn.example.com", "vpn.example.com", "production", "o-bob",
	  "t-security", "iss-sectigo", "rp-urgent", "prof-high-security", "Active", "+38d",
	  "{\"app\":\"vpn\"}", "-9d", "-9d+6m", NULL, NULL, "-190d", "-9d+6m" },
	{ "mc-mail", "mail", "mail.example.com",
	  "mail.example.com smtp.example.com imap.example.com", "production", "o-frank", "t-devops",
	  "iss-sectigo", "rp-standard", NULL, "Active", "+150d", "{\"app\":\"mail\"}", "-215d",
	  NULL, NULL, NULL, "-220d", "-215d" },
	{ "mc-smime-alice", "smime-alice", "alice.chen@example.com", "alice.chen@example.com",
	  "production", "o-alice", "t-platform", "iss-sectigo", "rp-manual", "prof-smime", "Active",
	  "+300d", "{\"type\":\"smime\"}", "-65d", NULL, NULL, NULL, "-66d", "-65d" },
	{ "mc-smime-bob", "smime-bob", "bob.martinez@example.com", "bob.martinez@example.com",
	  "production", "o-bob", "t-security", "iss-sectigo", "rp-manual", "prof-smime", "Active",
	  "+190d", "{\"type\":\"smime\"}", "-175d", NULL, NULL, NULL, "-176d", "-175d" },
	{ "mc-smime-carol", "smime-carol", "carol.okafor@example.com", "carol.okafor@example.com",
	  "production", "o-carol", "t-payments", "iss-local", "rp-manual", "prof-smime", "Expiring",
	  "+9d", "{\"type\":\"smime\"}", "-356d", NULL, NULL, NULL, "-357d", "-5d" },
	{ "mc-lb-vip", "lb-vip", "10.0.1.100", "10.0.1.100 lb.internal.example.com", "production",
	  "o-alice", "t-platform", "iss-local", "rp-default", "prof-standard-tls", "Active", "+85d",
	  "{\"app\":\"loadbalancer\"}", "-5d", "-5d+7m", NULL, NULL, "-95d", "-5d+7m" },
	{ "mc-ipmi-01", "ipmi-01", "10.10.4.21", "10.10.4.21", "production", "o-frank", "t-devops",
	  "iss-local", "rp-default", NULL, "Active", "+330d", "{\"app\":\"bmc\",\"rack\":\"r12\"}",
	  "-35d", NULL, NULL, NULL, "-36d", "-35d" },
	{ "mc-api-staging", "api-staging", "api.staging.example.com", "api.staging.example.com",
	  "staging", "o-alice", "t-platform", "iss-acme-zs", "rp-standard", "prof-standard-tls",
	  "Active", "+70d", "{\"app\":\"api\"}", "-20d", "-20d+5m", NULL, NULL, "-110d",
	  "-20d+5m" },
	{ "mc-web-staging", "web-staging", "www.staging.example.com",
	  "www.staging.example.com staging.example.com", "staging", "o-dave", "t-frontend",
	  "iss-acme-le", "rp-standard", "prof-standard-tls", "Expiring", "+18d",
	  "{\"app\":\"website\"}", "-72d", "-72d+9m", NULL, NULL, "-162d", "-2h" },
	{ "mc-pay-staging", "pay-staging", "pay.staging.example.com", "pay.staging.example.com",
	  "staging", "o-carol", "t-payments", "iss-stepca", "rp-standard", "prof-standard-tls",
	  "Active", "+44d", "{\"app\":\"checkout\"}", "-46d", "-46d+4m", NULL, NULL, "-136d",
	  "-46d+4m" },
	{ "mc-dev-portal", "dev-portal", "portal.dev.example.com", "portal.dev.example.com",
	  "development", "o-frank", "t-devops", "iss-local", "rp-default", "prof-standard-tls",
	  "Active", "+89d", "{\"app\":\"portal\"}", "-1d", "-1d+2m", NULL, NULL, "-91d", "-1d+2m" },
	{ "mc-mac-dev", "mac-dev", "devbox.dev.example.com", "devbox.dev.example.com localhost",
	  "development", "o-frank", "t-devops", "iss-local", "rp-manual", NULL, "Expired", "-5d",
	  "{}", "-95d", NULL, NULL, NULL, "-96d", "-5d" },
	{ "mc-iis-intranet", "iis-intranet", "intranet.corp.example.com",
	  "intranet.corp.example.com sharepoint.corp.example.com", "production", "o-frank",
	  "t-devops", "iss-digicert", "rp-standard", NULL, "Active", "+140d",
	  "{\"app\":\"intranet\",\"os\":\"windows\"}", "-225d", "-225d+30m", NULL, NULL, "-230d",
	  "-3d" },
	{ "mc-data-warehouse", "data-warehouse", "warehouse.data.example.com",
	  "warehouse.data.example.com", "production", "o-eve", "t-data", "iss-vault", "rp-standard",
	  "prof-standard-tls", "Active", "+66d", "{\"app\":\"warehouse\"}", "-24d", "-24d+6m", NULL,
	  NULL, "-204d", "-24d+6m" },
	{ "mc-airflow", "airflow", "airflow.data.example.com", "airflow.data.example.com",
	  "production", "o-eve", "t-data", "iss-vault", "rp-standard", "prof-standard-tls",
	  "Active", "+81d", "{\"app\":\"airflow\"}", "-9d", "-9d+3m", NULL, NULL, "-99d",
	  "-9d+3m" },
	{ "mc-jenkins", "jenkins", "ci.example.com", "ci.example.com jenkins.example.com",
	  "production", "o-frank", "t-devops", "iss-acme-le", "rp-standard", "prof-standard-tls",
	  "Active", "+60d", "{\"app\":\"ci\"}", "-30d", "-30d+10m", NULL, NULL, "-300d", "-1d" },
	{ "mc-legacy-app", "legacy-app", "legacy.example.com", "legacy.example.com", "production",
	  "o-carol", "t-payments", "iss-openssl", "rp-urgent", NULL, "Failed", "+6d",
	  "{\"app\":\"legacy\",\"decommission\":\"2027-Q1\"}", "-359d", "-359d+1h", NULL, NULL,
	  "-365d", "-3d" },
	{ "mc-partner-api", "partner-api", "partner-api.example.com", "partner-api.example.com",
	  "production", "o-carol", "t-payments", "iss-entrust", "rp-standard", "prof-high-security",
	  "Failed", NULL, "{\"app\":\"partner-gateway\"}", NULL, NULL, NULL, NULL, "-20d",
	  "-20d+2m" },
	{ "mc-old-blog", "old-blog", "blog.example.com", "blog.example.com", "production", "o-dave",
	  "t-frontend", "iss-acme-le", "rp-standard", "prof-standard-tls", "Expired", "-33d",
	  "{\"app\":\"blog\"}", "-123d", "-123d+5m", NULL, NULL, "-300d", "-33d" },
	{ "mc-spiffe-batch", "spiffe-batch", "batch-worker.jobs.svc.cluster.local",
	  "batch-worker.jobs.svc.cluster.local", "production", "o-frank", "t-devops", "iss-stepca",
	  "rp-default", "prof-short-lived", "Expired", "-2h", "{\"workload\":\"batch\"}", "-2h-5m",
	  NULL, NULL, NULL, "-30d", "-2h" },
	{ "mc-kafka-mtls", "kafka-mtls", "kafka.data.internal",
	  "kafka.data.internal kafka-0.data.internal kafka-1.data.internal kafka-2.data.internal",
	  "production", "o-eve", "t-data", "iss-vault", "rp-urgent", "prof-internal-mtls",
	  "RenewalInProgress", "+3d", "{\"app\":\"kafka\",\"mtls\":\"true\"}", "-27d", "-27d+5m",
	  NULL, NULL, "-180d", "-10m" },
	{ "mc-grpc-mtls", "grpc-mtls", "payments-grpc.internal", "payments-grpc.internal",
	  "production", "o-carol", "t-payments", "iss-stepca", "rp-urgent", "prof-internal-mtls",
	  "Expiring", "+5d", "{\"app\":\"payments-grpc\",\"mtls\":\"true\"}", "-25d", "-25d+3m",
	  NULL, NULL, "-170d", "-2d" },
	{ "mc-compromised", "compromised", "admin.example.com", "admin.example.com", "production",
	  "o-bob", "t-security", "iss-local", "rp-standard", "prof-standard-tls", "Revoked", "+50d",
	  "{\"app\":\"admin\",\"incident\":\"INC-4471\"}", "-40d", "-40d+5m", "-4d",
	  "keyCompromise", "-130d", "-4d" },
};

static const char *const mappings[][2] = {
	{ "mc-api-prod", "tgt-nginx-prod" },	   { "mc-api-prod", "tgt-haproxy-prod" },
	{ "mc-web-prod", "tgt-nginx-prod" },	   { "mc-web-prod", "tgt-haproxy-prod" },
	{ "mc-web-prod", "tgt-caddy-prod" },	   { "mc-pay-prod", "tgt-haproxy-prod" },
	{ "mc-pay-prod", "tgt-apache-prod" },	   { "mc-auth-prod", "tgt-nginx-prod" },
	{ "mc-auth-prod", "tgt-traefik-prod" },	   { "mc-wildcard-prod", "tgt-nginx-prod" },
	{ "mc-wildcard-prod", "tgt-apache-prod" }, { "mc-wildcard-prod", "tgt-traefik-prod" },
	{ "mc-cdn-prod", "tgt-caddy-prod" },	   { "mc-grafana", "tgt-nginx-prod" },
	{ "mc-k8s-ingress", "tgt-traefik-prod" },  { "mc-db-mtls", "tgt-nginx-data" },
	{ "mc-vpn", "tgt-haproxy-prod" },	   { "mc-lb-vip", "tgt-haproxy-prod" },
	{ "mc-api-staging", "tgt-nginx-staging" }, { "mc-web-staging", "tgt-nginx-staging" },
	{ "mc-pay-staging", "tgt-nginx-staging" }, { "mc-dev-portal", "tgt-nginx-staging" },
	{ "mc-iis-intranet", "tgt-iis-prod" },	   { "mc-data-warehouse", "tgt-nginx-data" },
	{ "mc-airflow", "tgt-nginx-data" },	   { "mc-jenkins", "tgt-nginx-prod" },
	{ "mc-jenkins", "tgt-apache-prod" },	   { "mc-legacy-app", "tgt-apache-prod" },
	{ "mc-partner-api", "tgt-haproxy-prod" },  { "mc-old-blog", "tgt-apache-prod" },
	{ "mc-kafka-mtls", "tgt-nginx-data" },	   { "mc-grpc-mtls", "tgt-traefik-prod" },
	{ "mc-compromised", "tgt-nginx-prod" },	   { "mc-compromised", "tgt-caddy-prod" },
};

#define ON_ID " ON CONFLICT (id) DO NOTHING"
static const struct cc_seed_table fleet[] = {
	CC_SEED_TABLE("INSERT INTO teams (id, name, description, created_at, updated_at) "
		      "VALUES ($1, $2, $3, $4, $5)" ON_ID,
		      "ssstt", teams),
	CC_SEED_TABLE("INSERT INTO owners (id, name, email, team_id, created_at, updated_at) "
		      "VALUES ($1, $2, $3, $4, $5, $6)" ON_ID,
		      "sssstt", owners),
	CC_SEED_TABLE("INSERT INTO certificate_profiles (id, name, description, "
		      "allowed_key_algorithms, max_ttl_seconds, allowed_ekus, "
		      "required_san_patterns, spiffe_uri_pattern, allow_short_lived, enabled, "
		      "created_at, updated_at) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)" ON_ID,
		      "sssjijjsbbtt", profiles),
	CC_SEED_TABLE("INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew, "
		      "max_retries, retry_interval_minutes, alert_thresholds_days, created_at, "
		      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)" ON_ID,
		      "ssibiijtt", policies),
	CC_SEED_TABLE("INSERT INTO issuers (id, name, type, config, enabled, last_tested_at, "
		      "test_status, source, created_at, updated_at) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)" ON_ID,
		      "sssjbtsstt", issuers),
	CC_SEED_TABLE("INSERT INTO agents (id, name, hostname, status, last_heartbeat_at, "
		      "registered_at, api_key_hash, os, architecture, ip_address, version) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)" ON_ID,
		      "ssssttHssss", agents),
	CC_SEED_TABLE("INSERT INTO agent_groups (id, name, description, match_os, "
		      "match_architecture, match_ip_cidr, match_version, enabled, created_at, "
		      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)" ON_ID,
		      "sssssssbtt", groups),
	CC_SEED_TABLE("INSERT INTO agent_group_members (agent_group_id, agent_id, "
		      "membership_type, created_at) VALUES ($1, $2, $3, $4) "
		      "ON CONFLICT (agent_group_id, agent_id) DO NOTHING",
		      "ssst", members),
	CC_SEED_TABLE("INSERT INTO deployment_targets (id, name, type, agent_id, config, "
		      "enabled, last_tested_at, test_status, source, created_at, updated_at) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)" ON_ID,
		      "ssssjbtsstt", targets),
	CC_SEED_TABLE("INSERT INTO managed_certificates (id, name, common_name, sans, "
		      "environment, owner_id, team_id, issuer_id, renewal_policy_id, "
		      "certificate_profile_id, status, expires_at, tags, last_renewal_at, "
		      "last_deployment_at, revoked_at, revocation_reason, created_at, "
		      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
		      "$13, $14, $15, $16, $17, $18, $19)" ON_ID,
		      "sssassssssstjtttstt", certs),
	CC_SEED_TABLE("INSERT INTO certificate_target_mappings (certificate_id, target_id) "
		      "VALUES ($1, $2) ON CONFLICT (certificate_id, target_id) DO NOTHING",
		      "ss", mappings),
};

const struct cc_seed_table *cc_seed_fleet(size_t *n)
{
	*n = CC_ARRAY_SIZE(fleet);
	return fleet;
}

const char *const *cc_seed_fleet_cert(const char *id)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(certs); i++)
		if (!strcmp(certs[i][CC_SEED_MC_ID], id))
			return certs[i];
	CC_BUG("unknown demo certificate '%s'", id);
}
