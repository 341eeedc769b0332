extension ModelSchema {
    /// `kling/kling-video-o3/pro/image-to-video`, from the model's API page (the seed document): `image` and
    /// `prompt` required; `end_image`; `duration` 3..15, default 5; `sound` default false (25% more per second);
    /// `shot_type` `customize` | `intelligent`, default `customize`; `multi_prompt`, at most 20 items of
    /// `{prompt, duration 3..15 default 5}` whose durations add up to the clip's.
    public static let klingO3ProImageToVideo = ModelSchema(
        modelID: "kling/kling-video-o3/pro/image-to-video",
        fields: [
            Field("image", .image, required: true),
            Field("prompt", .text, required: true),
            Field("end_image", .image),
            Field("duration", .integer(3...15), default: .integer(5)),
            Field("sound", .boolean, default: .boolean(false)),
            Field("shot_type", .choice(["customize", "intelligent"]), default: .string("customize")),
            Field(
                "multi_prompt",
                .segments(
                    fields: [
                        Field("prompt", .text, required: true),
                        Field("duration", .integer(3...15), default: .integer(5)),
                    ],
                    maxItems: 20
                )
            ),
        ],
        durationField: "duration",
        soundField: "sound",
        segmentsField: "multi_prompt"
    )
}
