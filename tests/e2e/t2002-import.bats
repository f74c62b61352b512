#!/usr/bin/env bats
# t2002: certctl import against a running serve — a 1,000-certificate bundle (leaves of an
# intermediate CA, the intermediate and the root at the end) with corrupt blocks spliced in:
# 1,000 imported with their chain, the corrupt ones reported with reasons and exit 1,
# nothing on stderr when it is a pipe; a second run skips all 1,000 as duplicates;
# --format json for jq; --dry-run sends nothing; directories with DER and PEM files;
# --owner/--team/--issuer stored; usage and reference errors

load helpers

KEY=t2002-key
N=1000

# one root, one intermediate, N leaves signed in one `openssl ca` run (20 distinct requests
# on one key, each signed N/20 times: every certificate gets its own serial, so its own
# fingerprint). Made once for the file.
make_pki() {
	local d=$1 i
	mkdir -p "$d/ca/new"
	: >"$d/ca/index.txt"
	echo 1000 >"$d/ca/serial"
	cat >"$d/ca.cnf" <<EOF
[ca]
default_ca = ca_default
[ca_default]
dir = $d/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
default_days = 90
policy = pol
unique_subject = no
copy_extensions = copy
x509_extensions = leaf_ext
[pol]
commonName = supplied
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[int_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	openssl ecparam -name prime256v1 -genkey -noout -out "$d/root.key"
	openssl req -x509 -new -key "$d/root.key" -subj "/CN=t2002 Root" -days 30 -out "$d/root.pem"
	openssl ecparam -name prime256v1 -genkey -noout -out "$d/int.key"
	openssl req -new -key "$d/int.key" -subj "/CN=t2002 Intermediate" |
		openssl x509 -req -CA "$d/root.pem" -CAkey "$d/root.key" -set_serial 7 -days 30 \
			-extfile "$d/ca.cnf" -extensions int_ext -out "$d/int.pem" 2>/dev/null
	openssl ecparam -name prime256v1 -genkey -noout -out "$d/leaf.key"
	local reqs=()
	for ((i = 0; i < 20; i++)); do
		openssl req -new -key "$d/leaf.key" -subj "/CN=svc-$i.t2002.test" \
			-addext "subjectAltName=DNS:svc-$i.t2002.test" -out "$d/req-$i.pem"
	done
	for ((i = 0; i < N; i++)); do reqs+=("$d/req-$((i % 20)).pem"); done
	openssl ca -batch -config "$d/ca.cnf" -cert "$d/int.pem" -keyfile "$d/int.key" -notext \
		-infiles "${reqs[@]}" >"$d/ca.log" 2>&1 || {
		cat "$d/ca.log" >&2
		return 1
	}
	# -out keeps only the last one: the copies are named by serial (same width, in order)
	cat "$d"/ca/new/*.pem >"$d/leaves.pem"
}

# bundle.pem: the N leaves with three corrupt blocks spliced in (a broken base64 line, a
# block cut short inside its DER, a block with no END line), then the intermediate and root
make_bundle() {
	local d=$1
	"$E2E_PYTHON" - "$d" <<'EOF'
import re, sys
d = sys.argv[1]
blocks = re.findall(r"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n",
                    open(d + "/leaves.pem").read(), re.S)
one = blocks[0].splitlines(keepends=True)
bad64 = one[:]
bad64[3] = bad64[3][:10] + "*" + bad64[3][11:]
cut = one[:4] + one[-1:]
no_end = one[:-1]
out = blocks[:300] + ["".join(bad64)] + blocks[300:600] + ["".join(cut)] + blocks[600:] + \
    ["".join(no_end)] + [open(d + "/int.pem").read(), open(d + "/root.pem").read()]
open(d + "/bundle.pem", "w").write("".join(out))
EOF
}

setup_file() {
	PKI=$BATS_FILE_TMPDIR/pki
	export PKI
	make_pki "$PKI" >"$BATS_FILE_TMPDIR/pki.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/pki.log" >&3; return 1; }
	make_bundle "$PKI"
}

setup() {
	common_setup
	export CERTCTL_AUTH_SECRET=$KEY
	API_KEY=$KEY
}

teardown() { polite_teardown; }

# start [ENGINE]: serve on sqlite (default) or pg, with a team and an owner
start() {
	engine_serve "${1:-sqlite}"
	api_json POST /api/v1/teams '{"id":"t-web","name":"web"}'
	assert_status 201
	api_json POST /api/v1/owners '{"id":"o-ann","name":"Ann","email":"ann@example.com","team_id":"t-web"}'
	assert_status 201
	URL=http://127.0.0.1:$PORT
}

import() {
	certctl import --server "$URL" --api-key "$KEY" --owner o-ann --team t-web \
		--issuer iss-local "$@"
}

@test "a 1,000-certificate bundle with corrupt blocks: 1,000 imported with their chain, the corrupt ones reported, exit 1; again: all skipped" {
	start
	assert_equal "$(grep -c 'BEGIN CERTIFICATE' "$PKI/bundle.pem")" $((N + 5))
	run --separate-stderr import --environment production "$PKI/bundle.pem"
	assert_failure 1
	assert_line --regexp '^read +1002 certificates in 1 file$'
	assert_line --regexp "^imported +$N\$"
	assert_line --regexp '^skipped +0$'
	assert_line --regexp '^failed +3$'
	assert_line --regexp 'failed +.*bundle\.pem +block 301 \(line [0-9]+\): invalid base64 at line [0-9]+'
	assert_line --regexp 'failed +.*bundle\.pem +block 602 \(line [0-9]+\): truncated certificate'
	assert_line --regexp 'failed +.*bundle\.pem +block 1003 \(line [0-9]+\): no END line before the BEGIN'
	# no progress on a pipe (the bar is for terminals: t8107): stderr stays empty
	assert_equal "$stderr" ''

	assert_equal "$(db_q 'SELECT count(*) FROM managed_certificates')" $N
	assert_equal "$(db_q 'SELECT count(DISTINCT fingerprint_sha256) FROM certificate_versions')" $N
	assert_equal "$(db_q "SELECT count(*) FROM managed_certificates WHERE status = 'Active' AND environment = 'production' AND owner_id = 'o-ann' AND tags LIKE '%bundle.pem#%'")" $N
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'certificate_imported'")" $N
	# every leaf came with the intermediate and the root, and verifies with them
	db_q "SELECT pem_chain FROM certificate_versions LIMIT 1" >"$TEST_DIR/chain.pem"
	assert_equal "$(grep -c 'BEGIN CERTIFICATE' "$TEST_DIR/chain.pem")" 3
	run openssl verify -CAfile "$PKI/root.pem" -untrusted "$PKI/int.pem" "$TEST_DIR/chain.pem"
	assert_success

	# a second run: nothing new
	run --separate-stderr import "$PKI/bundle.pem"
	assert_failure 1
	assert_line --regexp '^imported +0$'
	assert_line --regexp "^skipped +$N\$"
	assert_line --regexp '^failed +3$'
	assert_line --regexp 'skipped +.*already in the inventory as cert-'
	assert_line --partial "and $((N - 20)) more skipped"
	assert_equal "$(db_q 'SELECT count(*) FROM managed_certificates')" $N
}

@test "--format json parses with jq; --dry-run sends nothing" {
	start
	run --separate-stderr import --dry-run --format json "$PKI/bundle.pem"
	assert_failure 1
	assert_equal "$(jq -c '[.dry_run, .would_import, .skipped, .failed, (.results | length)]' <<<"$output")" \
		"[true,$N,0,3,$((N + 3))]"
	assert_equal "$(db_q 'SELECT count(*) FROM managed_certificates')" 0

	run --separate-stderr import --format json --batch 250 "$PKI/bundle.pem"
	assert_failure 1
	assert_equal "$(jq -c '[.imported, .skipped, .failed]' <<<"$output")" "[$N,0,3]"
	assert_equal "$(jq -r '[.results[] | select(.status == "imported")][0].chain_length' <<<"$output")" 2
	assert_equal "$(jq -r '[.results[] | select(.status == "failed")][1].reason' <<<"$output" | grep -c truncated)" 1
	id=$(jq -r '[.results[] | select(.status == "imported")][0].certificate_id' <<<"$output")
	fp=$(jq -r '[.results[] | select(.status == "imported")][0].fingerprint_sha256' <<<"$output")
	assert_equal "$(db_q "SELECT certificate_id FROM certificate_versions WHERE fingerprint_sha256 = '$fp'")" "$id"
	assert_equal "$stderr" ''
}

@test "directories: PEM, DER and chain files are read, keys skipped, chains found across files" {
	start
	mkdir -p "$TEST_DIR/certs/sub" "$TEST_DIR/certs/.hidden"
	awk '/BEGIN/{n++} n==1' "$PKI/leaves.pem" >"$TEST_DIR/certs/one.pem"
	awk '/BEGIN/{n++} n==2' "$PKI/leaves.pem" | openssl x509 -outform DER -out "$TEST_DIR/certs/sub/two.der"
	cat "$PKI/int.pem" "$PKI/root.pem" >"$TEST_DIR/certs/chain.crt"
	cp "$PKI/leaf.key" "$TEST_DIR/certs/leaf.pem"
	echo 'not a certificate' >"$TEST_DIR/certs/README"
	printf 'garbage' >"$TEST_DIR/certs/sub/broken.cer"
	cp "$TEST_DIR/certs/one.pem" "$TEST_DIR/certs/.hidden/one.pem"
	run --separate-stderr import --name-prefix legacy- "$TEST_DIR/certs"
	assert_failure 1
	assert_line --regexp '^imported +2$'
	assert_line --regexp 'skipped +.*chain\.crt +only CA certificates \(2\)'
	assert_line --regexp 'skipped +.*leaf\.pem +no certificate in the file, only EC PRIVATE KEY'
	assert_line --regexp 'failed +.*broken\.cer +neither PEM nor a DER certificate'
	refute_output --partial README
	refute_output --partial .hidden
	# the DER leaf got its chain from chain.crt
	assert_equal "$(db_q "SELECT count(*) FROM managed_certificates WHERE name LIKE 'legacy-svc-%'")" 2
	db_q "SELECT v.pem_chain FROM certificate_versions v JOIN managed_certificates m ON m.id = v.certificate_id WHERE m.tags LIKE '%two.der%'" >"$TEST_DIR/two.pem"
	assert_equal "$(grep -c 'BEGIN CERTIFICATE' "$TEST_DIR/two.pem")" 3
	# stdin, nothing new
	run import - <"$TEST_DIR/certs/one.pem"
	assert_success
	assert_line --regexp '^skipped +1$'
}

@test "--owner, --team and --issuer are what every imported certificate carries" {
	start
	api_json POST /api/v1/teams '{"id":"t-ops","name":"ops"}'
	assert_status 201
	api_json POST /api/v1/owners '{"id":"o-bob","name":"Bob","email":"bob@example.com","team_id":"t-ops"}'
	assert_status 201
	api_json POST /api/v1/issuers '{"id":"iss-two","name":"second","type":"GenericCA"}'
	assert_status 201
	awk '/BEGIN/{n++} n<=3' "$PKI/leaves.pem" >"$TEST_DIR/three.pem"
	cat "$PKI/int.pem" "$PKI/root.pem" >>"$TEST_DIR/three.pem"
	run --separate-stderr certctl import --server "$URL" --api-key "$KEY" --owner o-bob \
		--team t-ops --issuer iss-two "$TEST_DIR/three.pem"
	assert_success
	assert_line --regexp '^imported +3$'
	assert_equal "$(db_q 'SELECT count(*) FROM managed_certificates')" 3
	assert_equal "$(db_q "SELECT count(*) FROM managed_certificates WHERE owner_id = 'o-bob' AND team_id = 't-ops' AND issuer_id = 'iss-two'")" 3
}

@test "usage errors exit 2; unknown references are named; a missing key is refused" {
	start
	run certctl import --server "$URL" --api-key "$KEY" "$PKI/root.pem"
	assert_failure 2
	assert_output --partial '--owner is required'
	run certctl import
	assert_failure 2
	run import --batch 501 "$PKI/root.pem"
	assert_failure 2
	run import --format yaml "$PKI/root.pem"
	assert_failure 2
	run certctl import --server "$URL" --api-key "$KEY" --owner nobody --team t-web \
		--issuer iss-nope "$TEST_DIR/none.pem" "$PKI/leaves.pem"
	assert_failure
	assert_output --partial "owner_id 'nobody'"
	assert_output --partial "issuer_id 'iss-nope'"
	run certctl import --server "$URL" --api-key wrong --owner o-ann --team t-web \
		--issuer iss-local "$PKI/leaves.pem"
	assert_failure 1
	assert_output --partial 'HTTP 401'
	assert_equal "$(db_q 'SELECT count(*) FROM managed_certificates')" 0
}

@test "pg: the bundle imports on PostgreSQL too; a second run skips every certificate" {
	start pg
	run --separate-stderr import --format json "$PKI/bundle.pem"
	assert_failure 1
	assert_equal "$(jq -c '[.imported, .skipped, .failed]' <<<"$output")" "[$N,0,3]"
	assert_equal "$(db_q 'SELECT count(*) FROM certificate_versions')" $N
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'certificate_imported'")" $N
	run --separate-stderr import --format json "$PKI/bundle.pem"
	assert_failure 1
	assert_equal "$(jq -c '[.imported, .skipped, .failed]' <<<"$output")" "[0,$N,3]"
	assert_equal "$(db_q 'SELECT count(*) FROM managed_certificates')" $N
}
