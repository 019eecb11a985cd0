# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and exports
# CUSTODIA_TEST_DATABASE_URL for the tests: starts an installed but stopped cluster,
# installs the server from Debian's packages when it is absent.

pg_answers() {
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null
}

start_clusters() {
  local version
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
}

wait_for_postgres() {
  local i
  for i in $(seq 1 30); do
    pg_answers && return 0
    sleep 1
  done
  echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
  return 1
}

# A URL that works with this server: the machine's trust-auth default when it answers,
# otherwise a role and database made for the tests.
choose_url() {
  if [ -n "${CUSTODIA_TEST_DATABASE_URL:-}" ]; then return 0; fi
  if psql "postgres://postgres@127.0.0.1:5432/test" -qtAc 'select 1' >/dev/null 2>&1; then
    export CUSTODIA_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
    return 0
  fi
  su postgres -c "psql -qtAc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='custodia_ci') THEN CREATE ROLE custodia_ci LOGIN PASSWORD 'custodia_ci'; END IF; END \\\$\\\$;\""
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='custodia_ci'\"" | grep -q 1 \
    || su postgres -c "createdb -O custodia_ci custodia_ci"
  export CUSTODIA_TEST_DATABASE_URL="postgres://custodia_ci:custodia_ci@127.0.0.1:5432/custodia_ci"
}

ensure_postgres() {
  if ! pg_answers; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
      echo "installing PostgreSQL from Debian's packages"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client
    fi
    start_clusters
    wait_for_postgres
  fi
  choose_url
}
