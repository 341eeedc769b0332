#!/usr/bin/env bash
# Builds the libFuzzer targets (with AddressSanitizer and leak detection) and runs each for FUZZ_SECONDS.
# Usage: Tools/fuzz/run-fuzz.sh [TARGET...]   (default: yaml-fuzz manifest-fuzz)
# Corpora and findings live in .build-fuzz/ (never committed). A finding stops that target with exit 1; copy the
# input into Tests/JobManifestTests/Fixtures/fuzz/ (or Tests/YAMLTests/Fixtures/fuzz/) as a regression fixture.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
SECONDS_EACH=${FUZZ_SECONDS:-300}
SCRATCH=.build-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml-fuzz manifest-fuzz)

# SwiftPM passes -sanitize=fuzzer and -sanitize=address as two flags, and swiftc keeps only the last one (no
# coverage at all): the combined flag, last, is what instruments the Swift code.
build=(-c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library -Xswiftc -use-ld=lld --scratch-path "$SCRATCH")
for target in "${targets[@]}"; do "$SWIFT" build "${build[@]}" --product "$target"; done
bin=$("$SWIFT" build "${build[@]}" --show-bin-path)

seed() { # seed CORPUS: the YAML test suite's inputs, the manifest fixtures, the example manifests and a few
          # small generated ones (Tools/gen-manifest, one per seed; their frames stay out of the corpus)
    local corpus=$1 n=0 generated
    mkdir -p "$corpus"
    [ -n "$(ls -A "$corpus")" ] && return 0
    generated=$(mktemp -d)
    if command -v python3 >/dev/null; then
        for s in 1 2 3 4 5 6 7 8; do
            python3 Tools/gen-manifest/gen_manifest.py $((s * 6)) "$generated/gen-$s.yaml" --seed "$s" 2>/dev/null
        done
    fi
    for f in Tests/yaml-test-suite/*/in.yaml Tests/yaml-test-suite/*/*/in.yaml \
             Tests/JobManifestTests/Fixtures/*/*.yaml Tests/*/Fixtures/fuzz/* manifests/*.yaml "$generated"/*.yaml; do
        [ -f "$f" ] || continue
        n=$((n + 1)); cp "$f" "$corpus/seed-$n"
    done
    rm -rf "$generated"
    echo "seeded $corpus with $n files"
}

status=0
for target in "${targets[@]}"; do
    corpus=$SCRATCH/corpus/$target findings=$SCRATCH/findings/$target
    seed "$corpus"; mkdir -p "$findings"
    echo "== $target for ${SECONDS_EACH}s"
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$bin/$target" "$corpus" \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2560 -max_len=65536 \
        -dict=Tools/fuzz/yaml.dict -artifact_prefix="$findings/" -print_final_stats=1 \
        2> "$SCRATCH/$target.log" || status=1
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$SCRATCH/$target.log" || true
    echo "corpus: $(ls "$corpus" | wc -l) inputs; findings: $(ls "$findings" | wc -l) (log: $SCRATCH/$target.log)"
done
exit $status
