#!/usr/bin/env bash
# The fuzz run (`make fuzz`): builds one libFuzzer executable per webhook parser and for the envelope decoder
# (`swift build -Xswiftc -sanitize=fuzzer` with SWITCHBOARD_FUZZ=1, in its own scratch directory), runs each
# for a bounded time, and prints per target: executions, crashes, and each crashing input with its error.
# Usage: fuzz.sh [target...]   targets: whatsapp messenger telegram twilio-form web-chat rasa-rest envelope
#   SWITCHBOARD_FUZZ_SECONDS   time per target, default 60
#   SWITCHBOARD_FUZZ_SCRATCH   build and work directory, default .build-fuzz (corpora in corpus/<target>,
#                              crashing inputs in artifacts/<target>, logs in logs/<target>.log)
#   SWITCHBOARD_SHARED_DIR     the shared folder whose fixtures/channels seed the corpora (default ../shared)
#   SWITCHBOARD_FUZZ_BUILD=0   run the executables already built, without building
# The corpus of each target is kept between runs and grows; the fixtures (the shared ones and the project's own
# in Tests/Fixtures/channels) and the generated seeds (envelopes and web chat bodies written with the project's
# own encoders) are read on every run. libFuzzer runs in fork
# mode and keeps going after a crash, so one run reports every crash it meets. Replay an input with
# `.build-fuzz/debug/fuzz-<target> <file>`. Exit 1 when a target crashed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
all=(whatsapp messenger telegram twilio-form web-chat rasa-rest envelope)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for target in "${targets[@]}"; do
    [[ " ${all[*]} " == *" $target "* ]] || { echo "unknown target '$target' (one of: ${all[*]})" >&2; exit 2; }
done
seconds="${SWITCHBOARD_FUZZ_SECONDS:-60}"
scratch="${SWITCHBOARD_FUZZ_SCRATCH:-$root/.build-fuzz}"
shared="${SWITCHBOARD_SHARED_DIR:-$(dirname "$root")/shared}"
fixtures="$shared/fixtures/channels"

mkdir -p "$scratch/logs"
[ "${SWITCHBOARD_FUZZ_BUILD:-1}" = 0 ] || echo "Building ${#targets[@]} fuzz target(s) in $scratch (the first build compiles every dependency)..."
for target in "${targets[@]}"; do
    [ "${SWITCHBOARD_FUZZ_BUILD:-1}" = 0 ] && break
    if ! SWITCHBOARD_FUZZ=1 swift build --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer \
        --product "fuzz-$target" >"$scratch/logs/build-$target.log" 2>&1; then
        grep -E "error:" "$scratch/logs/build-$target.log" | head -20 >&2 || tail -20 "$scratch/logs/build-$target.log" >&2
        echo "fuzz-$target did not build (log: $scratch/logs/build-$target.log)" >&2
        exit 1
    fi
done

fixture_folder() {
    case "$1" in
        whatsapp | messenger | telegram) echo "$1" ;;
        twilio-form) echo twilio ;;
        web-chat | rasa-rest) echo webchat ;;
        *) echo "" ;;
    esac
}

export SWIFT_BACKTRACE=enable=no  # libFuzzer reports the crash; the Swift backtracer would only slow it down
summary=()
failed=0
for target in "${targets[@]}"; do
    binary="$scratch/debug/fuzz-$target"
    corpus="$scratch/corpus/$target" seeds="$scratch/seeds/$target" artifacts="$scratch/artifacts/$target"
    log="$scratch/logs/$target.log"
    rm -rf "$seeds"
    mkdir -p "$corpus" "$seeds" "$artifacts" "$(dirname "$log")"
    folder="$(fixture_folder "$target")"
    if [ -n "$folder" ] && [ -d "$fixtures/$folder" ]; then cp "$fixtures/$folder"/* "$seeds/"; fi
    # The project's own vendor-shaped payloads (referrals, forwards, replies, every Twilio parameter, ...).
    if [ -n "$folder" ] && [ -d "$root/Tests/Fixtures/channels/$folder" ]; then
        for file in "$root/Tests/Fixtures/channels/$folder"/*; do cp "$file" "$seeds/own-$(basename "$file")"; done
    fi
    SWITCHBOARD_FUZZ_WRITE_SEEDS="$seeds" "$binary"
    before="$(ls "$artifacts" | wc -l)"
    echo "fuzz-$target: ${seconds}s, $(ls "$seeds" | wc -l) seeds, corpus of $(ls "$corpus" | wc -l)"
    "$binary" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts/" "$corpus" "$seeds" \
        >"$log" 2>&1 || true
    # Fork mode's status lines: "#<executions>: cov: ... oom/timeout/crash: <o>/<t>/<c> time: ...".
    last="$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)"
    executions="$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")"
    crashes="$(sed -E 's|.*oom/timeout/crash: ([0-9]+)/([0-9]+)/([0-9]+).*|\3|' <<<"$last")"
    timeouts="$(sed -E 's|.*oom/timeout/crash: ([0-9]+)/([0-9]+)/([0-9]+).*|\2|' <<<"$last")"
    new="$(( $(ls "$artifacts" | wc -l) - before ))"
    line="$(printf '%-18s executions %10s   crashes %3s   timeouts %3s   new crashing inputs %3s' \
        "fuzz-$target" "${executions:-0}" "${crashes:-0}" "${timeouts:-0}" "$new")"
    summary+=("$line")
    echo "$line"
    if [ "${crashes:-0}" != 0 ] || [ "$new" != 0 ]; then
        failed=1
        for input in $(ls -t "$artifacts" | head -n "$(( new > 0 ? new : 1 ))"); do
            reason="$("$binary" "$artifacts/$input" 2>&1 | grep -m1 -E 'Fatal error|Precondition failed|ERROR:' || true)"
            echo "    $artifacts/$input: ${reason:-see $log}"
        done
    fi
done

echo
echo "Fuzzing summary (${seconds}s per target, libFuzzer fork mode, $(date -u +%Y-%m-%dT%H:%MZ)):"
printf '%s\n' "${summary[@]}"
exit "$failed"
