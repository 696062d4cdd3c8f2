#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this): installs what a fresh machine
# lacks, builds, runs every test project against private RabbitMQ/PostgreSQL instances that the
# tests start themselves, and ends with one line "N passed, N failed" summed from the TRX results.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/prerequisites.sh
dotnet build Federation.sln -c Release -nologo -clp:ErrorsOnly

results=$(mktemp -d "${TMPDIR:-/tmp}/federation-test-results.XXXXXX")
status=0
# -m:1 runs the test projects one after another: the fault and integration suites kill and load
# processes on purpose, and two of them sharing two cores would measure each other.
dotnet test Federation.sln -c Release --no-build -m:1 \
  --logger trx --results-directory "$results" \
  --logger "console;verbosity=normal" || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [[ -e $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
if ((status != 0 && failed == 0)); then
  failed=1 # the run broke before or outside a test (build, crash): never report it as green
fi
if ((skipped > 0)); then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
((failed == 0))
