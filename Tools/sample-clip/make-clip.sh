#!/usr/bin/env bash
# Makes the API simulator's sample clip: a real, tiny MP4 (160x90, 2 s, 12 fps, H.264, no audio)
# that looks like a storyboard render placeholder, then embeds it as base64 Swift source.
#
# Writes:
#   Sources/APISimulator/Resources/sample-clip.mp4
#   Sources/APISimulator/SampleClip.swift
#
# Needs Debian's ffmpeg (apt-get install -y ffmpeg) and python3. Text is drawn with DejaVu Sans Bold
# (fonts-dejavu-core, pulled in by ffmpeg) and skipped if that font is missing.
# Single-threaded and bitexact so a rerun with the same ffmpeg reproduces the same bytes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out_dir="$root/Sources/APISimulator"
mp4="$out_dir/Resources/sample-clip.mp4"
swift="$out_dir/SampleClip.swift"
font="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}"

command -v ffmpeg >/dev/null || { echo "ffmpeg not found: apt-get install -y ffmpeg" >&2; exit 1; }
mkdir -p "$(dirname "$mp4")"

# Background: slowly turning blue-to-purple gradient. An orange square slides left to right,
# a white progress bar fills along the bottom, and a frame counter reads 01/24 .. 24/24.
filters="[0][1]overlay=x='6+t*66':y=60:eval=frame[a];[a][2]overlay=x='-160+(n+1)*160/24':y=86:eval=frame"
if [[ -f "$font" ]]; then
  filters+=",drawtext=fontfile=$font:text='STORYBOARD':fontsize=15:fontcolor=white:x=(w-text_w)/2:y=12"
  filters+=",drawtext=fontfile=$font:text='render placeholder':fontsize=10:fontcolor=white@0.9:x=(w-text_w)/2:y=32"
  filters+=",drawtext=fontfile=$font:text='%{eif\:n+1\:d\:2}/24':fontsize=9:fontcolor=white:x=w-text_w-5:y=47"
else
  echo "warning: $font not found; making the clip without text" >&2
fi
filters+=",format=yuv420p"

ffmpeg -hide_banner -nostdin -y -v error \
  -f lavfi -i "gradients=s=160x90:r=12:d=2:c0=0x142850:c1=0x6a3d9a:x0=0:y0=0:x1=160:y1=90:nb_colors=2:speed=0.03:seed=1" \
  -f lavfi -i "color=c=0xffb347:s=12x12:r=12:d=2" \
  -f lavfi -i "color=c=white@0.85:s=160x4:r=12:d=2" \
  -filter_complex "$filters" \
  -c:v libx264 -preset veryslow -tune stillimage -crf 30 -pix_fmt yuv420p -threads 1 \
  -an -map_metadata -1 -fflags +bitexact -flags:v +bitexact -movflags +faststart -t 2 \
  "$mp4"

# Check it decodes cleanly.
errors="$(ffmpeg -hide_banner -nostdin -v error -i "$mp4" -f null - 2>&1)"
[[ -z "$errors" ]] || { echo "decode errors in $mp4:" >&2; echo "$errors" >&2; exit 1; }

python3 - "$mp4" "$swift" <<'PY'
import base64, sys, textwrap
mp4, swift = sys.argv[1], sys.argv[2]
b64 = base64.b64encode(open(mp4, "rb").read()).decode("ascii")
lines = "\n".join("    " + chunk for chunk in textwrap.wrap(b64, 100))
open(swift, "w").write(f'''/// The clip the simulator serves as every job's output: a real, tiny MP4 (160x90, about 2 s, H.264), made once
/// with Debian's ffmpeg by `Tools/sample-clip/make-clip.sh`, so players and the contact sheet show video.
enum SampleClip {{
    /// The MP4 file, base64-encoded.
    static let base64 = """
{lines}
    """
}}
''')
PY

echo "$mp4: $(wc -c < "$mp4") bytes"
echo "$swift: $(wc -l < "$swift") lines"
