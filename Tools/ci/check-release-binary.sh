#!/usr/bin/env bash
# The release binary holds no trace of the test-only fault-injection hook (issue 13): neither its environment
# variable nor its type. Builds the release product first.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product shotrunner
bin="$(swift build -c release --show-bin-path)/shotrunner"
# Its environment variable, and its type in Swift's mangled form (the source file's path stays in the debug info: it holds nothing).
for needle in SHOTRUNNER_FAULT_AFTER_LINES 9FaultHook; do
  if grep -aq "$needle" "$bin"; then
    echo "release-check: $bin contains '$needle' (the fault hook must be compiled only into debug builds)" >&2
    exit 1
  fi
done
# The debug binary does hold it, so the check above can fail: it looks for what is really there.
debug="$(swift build --show-bin-path)/shotrunner"
if [ -x "$debug" ] && ! grep -aq SHOTRUNNER_FAULT_AFTER_LINES "$debug"; then
  echo "release-check: the debug binary lacks the hook too; the check is looking for the wrong name" >&2
  exit 1
fi
echo "release-check: 1 passed, 0 failed"
