#!/usr/bin/env python3
"""Assemble catalog-snapshot.json from facts transcribed by hand (see NOTES.md)."""
import json

PN = ("https://github.com/runcomfy-com/comfyui-runcomfy-partner-nodes/blob/"
      "e3c117ef5eab97753604f9217c5a5dbca3e4dac0/runcomfy/models.json")
PN_DATE = "2026-09-23"   # catalog review date stated in docs/recent-models.md at that commit
READ = "2026-12-02"      # date these stored pages were read

def S(**kw): return dict(type="string", **kw)
def I(**kw): return dict(type="integer", **kw)
def N(**kw): return dict(type="number", **kw)
def B(default): return dict(type="boolean", default=default)
IMG = dict(type="string", format="image_uri")
VID = dict(type="string", format="video_uri")

def e(mid, unit, price, cats, props, required, url=PN, date=PN_DATE):
    schema = {"type": "object", "properties": props}
    if required is not None:
        schema["required"] = required
    return {"model_id": mid, "kind": "model", "price_unit": unit,
            "base_price_usd": price, "categories": cats,
            "input_schema": schema, "source": {"url": url, "date": date}}

KLING_AR = ["16:9", "9:16", "1:1"]
NB_AR = ["auto", "21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3",
         "9:16", "4:1", "1:4", "8:1", "1:8"]
GPT_AR = ["1:1", "3:2", "2:3", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]
PIX_RES = ["360p", "540p", "720p", "1080p"]
FLUX_AR = ["auto", "21:9", "2:1", "16:9", "4:3", "1:1", "3:4", "9:16"]
QWEN3_AR = ["1:1", "16:9", "9:16", "4:3", "3:4"]

models = [
 # ---- seed: its own API page (authority) + format from the catalog copy ----
 e("kling/kling-video-o3/pro/image-to-video", "second", None, ["image-to-video"], {
    "image": dict(type="string", format="image_uri",
                  default="https://playgrounds-storage-public.runcomfy.net/tools/7366/media-files/input-example1.webp"),
    "prompt": S(default="Slow cinematic push-in, the subject turns toward camera as warm golden-hour light rakes across the scene, shallow depth of field, photoreal detail."),
    "end_image": dict(IMG),
    "duration": I(default=5, minimum=3, maximum=15),
    "sound": B(False),
    "shot_type": S(enum=["customize", "intelligent"], default="customize"),
    "multi_prompt": {"type": "array",
        "items": {"prompt": {"type": "string", "format": "str"},
                  "duration": {"type": "integer", "format": "int_slider_with_range",
                               "minimum": 3, "maximum": 15, "default": 5}},
        "maxItems": 20, "minItems": 0},
  }, ["image", "prompt"],
  url="https://www.runcomfy.com/models/kling/kling-video-o3/pro/image-to-video/api", date=READ),

 # ---- image-to-video ----
 e("kling/kling-3.0/pro/image-to-video", "second", 0.112, ["image-to-video"], {
    "cfg_scale": N(default=0.5, minimum=0, maximum=1),
    "duration": I(default=10, minimum=3, maximum=15),
    "end_image_url": dict(IMG),
    "generate_audio": B(True),
    "negative_prompt": S(),
    "prompt": S(),
    "shot_type": S(default="customize", enum=["customize"]),
    "start_image_url": dict(IMG),
  }, ["prompt", "start_image_url"]),
 e("kling/kling-3.0/standard/image-to-video", "second", 0.084, ["image-to-video"], {
    "cfg_scale": N(default=0.5, minimum=0, maximum=1),
    "duration": I(default=10, minimum=3, maximum=15),
    "generate_audio": B(True),
    "negative_prompt": S(),
    "prompt": S(),
    "shot_type": S(default="customize", enum=["customize"]),
    "start_image_url": dict(IMG),
  }, ["prompt", "start_image_url"]),
 e("bytedance/seedance-2.5/image-to-video/720p", "second", None, ["image-to-video"], {
    "duration": I(default=5, minimum=4, maximum=30),
    "generate_audio": B(True),
    "image": dict(IMG),
    "prompt": S(),
  }, ["prompt", "image"]),
 e("wan-ai/wan-3.0/image-to-video", "second", None, ["image-to-video"], {
    "prompt": S(),
    "aspect_ratio": S(default="adaptive", enum=["adaptive", "16:9", "9:16", "1:1", "4:3", "3:4"]),
    "resolution": S(default="720p", enum=["480p", "720p", "1080p"]),
    "duration": I(default=5, minimum=2, maximum=30),
    "enable_audio": B(True),
    "prompt_extend": B(True),
    "seed": I(default=0, minimum=0, maximum=2147483647),
    "image_url": dict(IMG),
    "end_image_url": dict(IMG),
  }, ["prompt", "image_url"]),
 e("minimax/minimax-h3/image-to-video", "second", None, ["image-to-video"], {
    "duration": I(default=5, minimum=4, maximum=15),
    "image": dict(IMG),
    "last_image": dict(IMG),
    "prompt": S(),
    "resolution": S(default="768p", enum=["768p", "2k"]),
  }, ["image", "prompt", "duration", "resolution"]),
 e("pixverse/pixverse-v6/image-to-video", "second", None, ["image-to-video"], {
    "duration": I(default=5, minimum=1, maximum=15),
    "generate_audio_switch": B(False),
    "generate_multi_clip_switch": B(False),
    "image": dict(IMG),
    "prompt": S(),
    "resolution": S(default="720p", enum=PIX_RES),
    "seed": I(default=0),
  }, ["image", "prompt"]),
 e("lightricks/ltx-2.5/image-to-video/fast", "second", None, ["image-to-video"], {
    "aspect_ratio": S(default="auto", enum=["auto", "16:9", "9:16"]),
    "camera_motion": S(enum=["dolly_in", "dolly_out", "dolly_left", "dolly_right",
                             "jib_up", "jib_down", "static", "focus_shift"]),
    "duration": S(default="10", enum=["auto", "6", "8", "10", "12", "14", "16", "18", "20"]),
    "end_image_url": dict(IMG),
    "fps": I(default=25, enum=[24, 25, 48, 50]),
    "generate_audio": B(True),
    "image_url": dict(IMG),
    "prompt": S(),
    "resolution": S(default="1080p", enum=["720p", "1080p", "1440p", "2160p"]),
  }, ["prompt", "image_url"]),
 e("runwayml/runway-gen-4/turbo/image-to-video", "second", None, ["image-to-video"], {
    "promptText": S(maxLength=1000),
    "promptImage": S(),
  }, ["promptImage"],
  url="https://www.runcomfy.com/models/runwayml/runway-gen-4-turbo/api", date=READ),

 # ---- first/last frame ----
 e("bytedance/seedance-2.5/first-last-frame/720p", "second", None, ["first-last-frame-to-video"], {
    "duration": I(default=5, minimum=4, maximum=30),
    "first_frame": dict(IMG),
    "generate_audio": B(True),
    "last_frame": dict(IMG),
    "prompt": S(),
  }, ["prompt", "first_frame", "last_frame"]),
 e("google-deepmind/veo-3-1/fast/first-last-frame-to-video", "second", None, ["first-last-frame-to-video"], {
    "prompt": S(),
    "first_frame_url": S(),
    "last_frame_url": S(),
  }, ["prompt", "first_frame_url", "last_frame_url"],
  url="https://www.runcomfy.com/playground/google-deepmind/veo-3-1/fast/first-last-frame-to-video/api", date=READ),
 e("blackforestlabs/flux-3/first-last-frame-to-video", "second", None, ["first-last-frame-to-video"], {
    "aspect_ratio": S(default="16:9", enum=FLUX_AR),
    "duration": I(default=5, enum=list(range(5, 21))),
    "end_image_url": dict(IMG),
    "generate_audio": B(True),
    "prompt": S(),
    "resolution": S(default="720p", enum=["720p", "1080p"]),
    "safety_tolerance": I(default=2, minimum=0, maximum=4),
    "start_image_url": dict(IMG),
  }, ["start_image_url", "end_image_url", "prompt"]),
 e("pixverse/pixverse-v6/transition", "second", None, ["first-last-frame-to-video"], {
    "duration": I(default=5, minimum=1, maximum=15),
    "end_image": dict(IMG),
    "generate_audio_switch": B(False),
    "image": dict(IMG),
    "prompt": S(),
    "resolution": S(default="720p", enum=PIX_RES),
    "seed": I(default=0),
  }, ["prompt", "image", "end_image"]),

 # ---- text-to-video ----
 e("kling/kling-video-o3/pro/text-to-video", "second", None, ["text-to-video"], {
    "aspect_ratio": S(default="16:9", enum=KLING_AR),
    "duration": I(default=5, enum=[5, 10]),
    "prompt": S(),
    "shot_type": S(default="customize", enum=["customize", "intelligent"]),
    "sound": B(False),
  }, ["prompt"]),
 e("kling/kling-3.0/pro/text-to-video", "second", 0.112, ["text-to-video"], {
    "aspect_ratio": S(default="16:9", enum=KLING_AR),
    "cfg_scale": N(default=0.5, minimum=0, maximum=1),
    "duration": I(default=5, minimum=3, maximum=15),
    "negative_prompt": S(),
    "prompt": S(),
    "shot_type": S(default="customize", enum=["customize"]),
    "sound": B(True),
  }, ["prompt"]),
 e("google-deepmind/veo-3-1/fast/text-to-video", "second", None, ["text-to-video"], {
    "prompt": S(),
  }, ["prompt"],
  url="https://www.runcomfy.com/playground/google-deepmind/veo-3-1/fast/text-to-video/api", date=READ),

 # ---- reference-to-video ----
 e("kling/kling-video-o3/pro/reference-to-video", "second", None, ["reference-to-video"], {
    "aspect_ratio": S(default="16:9", enum=KLING_AR),
    "duration": I(default=5, minimum=3, maximum=15),
    "images": {"type": "array", "format": "image_uris", "maxItems": 7, "minItems": 0},
    "keep_original_sound": B(True),
    "prompt": S(),
    "shot_type": S(default="customize", enum=["intelligent", "customize"]),
    "sound": B(False),
    "video": dict(VID),
  }, ["prompt"]),
 e("kling/kling-video-o3/standard/reference-to-video", "second", 0.084, ["reference-to-video"], {
    "aspect_ratio": S(default="16:9", enum=KLING_AR),
    "duration": I(default=5, minimum=3, maximum=15),
    "images": {"type": "array", "format": "image_uris", "maxItems": 7, "minItems": 0},
    "keep_original_sound": B(True),
    "prompt": S(),
    "shot_type": S(default="customize", enum=["customize", "intelligent"]),
    "sound": B(False),
    "video": dict(VID),
  }, ["prompt"]),

 # ---- text-to-image ----
 e("google/nano-banana-2-lite/text-to-image", "output", None, ["text-to-image"], {
    "prompt": S(),
    "aspect_ratio": S(default="auto", enum=NB_AR),
  }, ["prompt"]),
 e("bytedance/seedream-5.0-pro/text-to-image", "output", 0.04, ["text-to-image"], {
    "aspect_ratio": S(default="1:1", enum=["1:1", "4:3", "3:4", "16:9", "9:16", "2:3", "3:2", "21:9"]),
    "output_format": S(default="png", enum=["png", "jpeg"]),
    "prompt": S(),
    "resolution": S(default="2K", enum=["1K", "2K"]),
  }, ["prompt"]),
 e("blackforestlabs/flux-3/image", "output", None, ["text-to-image"], {
    "image_size": S(default="landscape_4_3", enum=["square_hd", "square", "portrait_4_3",
                    "portrait_16_9", "landscape_4_3", "landscape_16_9"]),
    "prompt": S(),
    "seed": I(default=-1),
  }, ["prompt"]),
 e("blackforestlabs/flux-2-klein/9b/text-to-image", "output", None, ["text-to-image"], {
    "height": I(default=1024, minimum=512, maximum=1536),
    "prompt": S(),
    "steps": I(default=25, minimum=1, maximum=100),
    "width": I(default=1024, minimum=512, maximum=1536),
  }, ["prompt"]),
 e("qwen/qwen-image-3.0/text-to-image", "output", None, ["text-to-image"], {
    "aspect_ratio": S(default="1:1", enum=QWEN3_AR),
    "enable_prompt_expansion": B(True),
    "prompt": S(),
    "resolution": S(default="2k", enum=["1k", "2k"]),
    "seed": I(default=-1),
  }, ["prompt"]),
 e("openai/gpt-image-2/text-to-image", "output", None, ["text-to-image"], {
    "aspect_ratio": S(default="1:1", enum=GPT_AR),
    "output_format": S(default="png", enum=["png", "jpeg", "webp"]),
    "prompt": S(),
    "quality": S(default="medium", enum=["low", "medium", "high"]),
    "resolution": S(default="1k", enum=["1k", "2k", "4k"]),
  }, ["prompt"]),

 # ---- image edit ----
 e("google/nano-banana-2-lite/edit", "output", None, ["image-to-image"], {
    "prompt": S(),
    "aspect_ratio": S(default="auto", enum=NB_AR),
    "image_urls": {"format": "image_uris", "maxItems": 10, "minItems": 1, "type": "array"},
  }, ["prompt", "image_urls"]),
 e("bytedance/seedream-5.0-pro/image-to-image", "output", None, ["image-to-image"], {
    "prompt": S(),
    "aspect_ratio": S(default="1:1", enum=["auto", "1:1", "4:3", "3:4", "16:9", "9:16", "2:3", "3:2", "21:9"]),
    "resolution": S(default="2K", enum=["1K", "2K"]),
    "output_format": S(default="png", enum=["png", "jpeg"]),
    "image": {"format": "image_uris", "maxItems": 10, "minItems": 1, "type": "array",
        "validations": [
            {"validation_error": "File size must be less than 30 MB.", "validation_rule": "file_size_mb<", "validation_value": 30},
            {"validation_error": "The aspect ratio range should be 1:16 to 16:1.", "validation_rule": "width/height>", "validation_value": 0.0625},
            {"validation_error": "The aspect ratio range should be 1:16 to 16:1.", "validation_rule": "width/height<", "validation_value": 16},
            {"validation_error": "The uploaded image width and height must exceed 14 pixels.", "validation_rule": "width_pixels>", "validation_value": 14},
            {"validation_error": "The uploaded image width and height must exceed 14 pixels.", "validation_rule": "height_pixels>", "validation_value": 14}]},
  }, ["prompt", "image"]),
 e("qwen/qwen-image-3.0/edit", "output", None, ["image-to-image"], {
    "aspect_ratio": S(default="1:1", enum=QWEN3_AR),
    "enable_prompt_expansion": B(True),
    "image_urls": {"format": "image_uris", "maxItems": 3, "minItems": 1, "type": "array"},
    "prompt": S(),
    "resolution": S(default="2k", enum=["1k", "2k"]),
    "seed": I(default=-1),
  }, ["image_urls", "prompt"]),
 e("openai/gpt-image-2/edit", "output", None, ["image-to-image"], {
    "aspect_ratio": S(default="1:1", enum=GPT_AR),
    "images": {"format": "image_uris", "items": {"format": "image_uri", "type": "string"},
               "maxItems": 10, "minItems": 1, "type": "array"},
    "output_format": S(default="png", enum=["png", "jpeg", "webp"]),
    "prompt": S(),
    "quality": S(default="medium", enum=["low", "medium", "high"]),
    "resolution": S(default="1k", enum=["1k", "2k", "4k"]),
  }, ["prompt", "images"]),
]

# sanity: required ⊆ properties; defaults inside enums; unique ids
ids = set()
for m in models:
    s = m["input_schema"]
    assert m["model_id"] not in ids, m["model_id"]; ids.add(m["model_id"])
    assert set(s.get("required", [])) <= set(s["properties"]), m["model_id"]
    for k, p in s["properties"].items():
        assert "description" not in p
        if "enum" in p and "default" in p:
            assert p["default"] in p["enum"], (m["model_id"], k)
        if "default" in p and isinstance(p["default"], (int, float)) and not isinstance(p["default"], bool):
            if "minimum" in p: assert p["default"] >= p["minimum"], (m["model_id"], k)
            if "maximum" in p: assert p["default"] <= p["maximum"], (m["model_id"], k)

out = {"fetched_at": "2026-12-02T04:47:04Z", "source": "snapshot", "models": models}
with open("/tmp/catalog-research/catalog-snapshot.json", "w") as f:
    json.dump(out, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(len(models), "models")
