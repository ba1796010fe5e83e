#!/usr/bin/env bash
# CI check of the lab (issue 6), run by .ci/run before the tests:
#   1. installs ansible, ansible-lint and vagrant from Debian's packages when missing;
#   2. vagrant validate on the Vagrantfile, with each provisioner setting;
#   3. ansible-playbook --syntax-check and ansible-lint on site.yml and teardown.yml;
#   4. a real ansible-playbook run with inventory/local.ini: 3 mgtm replicas (127.0.0.11-13) and
#      2 mgtm_proxy (127.0.0.31-32) installed under run/ansible-lab/ and started as supervised
#      processes on this machine, and the pgxc_node role against stand-in XC commands
#      (tests/fake-pgxc; no Postgres-XC here);
#   5. bin/mgtm-bench through both proxies at once; the installed node-start/node-stop on node1;
#   6. a second run must report changed=0 on every host;
#   7. teardown.yml stops and removes everything (also on any failure: trap).
# Usage: provisioning/ci-check.sh          (from anywhere; needs root for apt-get when a tool is missing)
set -euo pipefail
cd "$(dirname "$0")"
prov=$(pwd)
repo=$(dirname "$prov")
log_dir=$repo/run/ci-check
mkdir -p "$log_dir"
export ANSIBLE_CONFIG=$prov/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
start=$(date +%s)
step() { echo "== ci-check [$(($(date +%s) - start)) s]: $*"; }

# 1. Tools, from Debian's packages (ansible 7.7 / ansible-core 2.14, ansible-lint 6.13, vagrant 2.3 on bookworm;
#    vagrant's recommended vagrant-libvirt comes along, so the libvirt provider block is validated too).
missing=()
command -v ansible-playbook >/dev/null || missing+=(ansible)
command -v ansible-lint >/dev/null || missing+=(ansible-lint)
command -v vagrant >/dev/null || missing+=(vagrant)
command -v start-stop-daemon >/dev/null || missing+=(dpkg)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if ! apt-get install -y -qq "${missing[@]}" >"$log_dir/apt.log" 2>&1; then
    # vagrant is optional (the distribution may not ship it); the others are not.
    required=()
    for p in "${missing[@]}"; do [ "$p" = vagrant ] || required+=("$p"); done
    if [ ${#required[@]} -gt 0 ]; then
      apt-get install -y -qq "${required[@]}" >>"$log_dir/apt.log" 2>&1 || { tail -20 "$log_dir/apt.log"; exit 1; }
    fi
  fi
fi

# 2. vagrant validate (Vagrant 2.3 validates without VirtualBox or libvirt installed).
if command -v vagrant >/dev/null; then
  step "vagrant validate"
  (cd "$repo" && VAGRANT_CHECKPOINT_DISABLE=1 vagrant validate)
  (cd "$repo" && VAGRANT_CHECKPOINT_DISABLE=1 MGTM_PROVISIONER=ansible_local vagrant validate)
else
  step "vagrant is not installable here: vagrant validate skipped"
fi

# 3. Syntax and lint.
step "ansible-playbook --syntax-check"
ansible-playbook -i inventory/local.ini --syntax-check site.yml teardown.yml
ansible-playbook -i inventory/vagrant.ini --syntax-check site.yml teardown.yml
step "ansible-lint"
ansible-lint -q site.yml teardown.yml

# 4-7. The real run on this machine, always torn down. No Postgres-XC 0.9.2 installation exists
# here (the repository never ships or builds one), so the pgxc_node role runs against stand-ins
# (tests/fake-pgxc: shell scripts that record their calls) to check its logic and idempotence.
rm -rf "$log_dir/fake-pgxc" && cp -r "$prov/tests/fake-pgxc" "$log_dir/fake-pgxc"
xc_calls=$log_dir/fake-pgxc/calls
xc_args=(-e "pgxc_home=$log_dir/fake-pgxc" -e "pgxc_user=$(id -un)" -e pgxc_create_user=false)
teardown() {
  local rc=$?
  step "teardown (teardown.yml)"
  ansible-playbook -i inventory/local.ini "${xc_args[@]}" teardown.yml >"$log_dir/teardown.log" 2>&1 \
    || { echo "teardown failed:"; tail -30 "$log_dir/teardown.log"; rc=1; }
  if pgrep -f "$repo/run/ansible-lab/" >/dev/null; then
    echo "ci-check: processes of the local lab are still running after teardown:"
    pgrep -af "$repo/run/ansible-lab/"
    rc=1
  fi
  [ ! -e "$repo/run/ansible-lab" ] || { echo "ci-check: run/ansible-lab is still there"; rc=1; }
  step "done, exit status $rc"
  exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM

if [ -e "$repo/run/ansible-lab" ]; then
  step "an earlier run left run/ansible-lab: tearing it down first"
  ansible-playbook -i inventory/local.ini "${xc_args[@]}" teardown.yml >"$log_dir/teardown-0.log" 2>&1 || true
fi

recap() { sed -n '/PLAY RECAP/,$p' "$1"; }

step "first run: ansible-playbook -i inventory/local.ini site.yml"
if ! ansible-playbook -i inventory/local.ini "${xc_args[@]}" site.yml >"$log_dir/site-1.log" 2>&1; then
  tail -60 "$log_dir/site-1.log"
  for f in "$repo"/run/ansible-lab/*/var/log/mgtm/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
  exit 1
fi
recap "$log_dir/site-1.log"
expect_calls() { # pattern count
  local n
  n=$(grep -c -E "$1" "$xc_calls" || true)
  [ "$n" = "$2" ] || { echo "ci-check: expected $2 XC calls matching '$1', got $n:"; cat "$xc_calls"; exit 1; }
}
expect_calls '^initdb ' 4          # a coordinator and a datanode on each node
expect_calls '^pg_ctl start ' 6    # both, then the coordinators again after the catalog copy
expect_calls '^pg_ctl stop ' 2     # the coordinators, for node2's to get node1's catalog
expect_calls '^createdb .*pgbench' 1
expect_calls '^pgbench -i ' 1
[ -f "$repo/run/ansible-lab/node1/var/lib/pgxc/pgbench-ready" ] || { echo "ci-check: no pgbench-ready marker on node1"; exit 1; }
: >"$xc_calls"

step "mgtm-bench through both proxies (127.0.0.31 and 127.0.0.32, 8 clients each, 5 s)"
export MGTM_NO_BUILD=1 MGTM_JAVA_OPTS="-Xms64m -Xmx256m -XX:+UseSerialGC"
"$repo/bin/mgtm-bench" -h 127.0.0.31 -p 6666 -c 8 -T 5 -q >"$log_dir/bench-node1.log" 2>&1 &
bench1=$!
"$repo/bin/mgtm-bench" -h 127.0.0.32 -p 6666 -c 8 -T 5 -q >"$log_dir/bench-node2.log" 2>&1 &
bench2=$!
bench_rc=0
wait $bench1 || bench_rc=1
wait $bench2 || bench_rc=1
for n in 1 2; do
  echo "-- node$n:"
  cat "$log_dir/bench-node$n.log"
  # the summary line reads "transactions: N in T s = ... tps (...), errors: E": N > 0 and E = 0
  if ! grep -Eq '^transactions: [1-9][0-9]* .*errors: 0$' "$log_dir/bench-node$n.log"; then
    echo "ci-check: errors through node$n's proxy"
    bench_rc=1
  fi
done
[ $bench_rc = 0 ] || exit 1

step "second run: must change nothing"
ansible-playbook -i inventory/local.ini "${xc_args[@]}" site.yml >"$log_dir/site-2.log" 2>&1 || { tail -60 "$log_dir/site-2.log"; exit 1; }
recap "$log_dir/site-2.log"
expect_calls '^(initdb|createdb|pgbench|pg_ctl (start|restart|stop)) ' 0
if recap "$log_dir/site-2.log" | grep -E 'changed=[1-9]' >/dev/null; then
  echo "ci-check: the second run changed something (not idempotent):"
  grep -E '^(changed|TASK)' "$log_dir/site-2.log" | grep -B1 '^changed' || true
  exit 1
fi
step "installed node-start/node-stop on node1 (the supervised proxy already serves: node-start uses it)"
: >"$xc_calls"
node1=$repo/run/ansible-lab/node1
"$node1/opt/mgtm/bin/node-start" -c "$node1/etc/mgtm/node.conf" | tee "$log_dir/node-start.log"
grep -q "I'm ready!!!" "$log_dir/node-start.log"
expect_calls '^pg_ctl start ' 0          # the (stand-in) XC instances run already
"$node1/opt/mgtm/bin/node-stop" -c "$node1/etc/mgtm/node.conf"
expect_calls '^pg_ctl stop ' 2           # node-stop stops node1's coordinator and datanode

step "lab checks passed"
