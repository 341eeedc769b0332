import ModelCatalog
extension ModelSchema {
    /// `kling/kling-video-o3/pro/image-to-video`, from the model's API page (the seed document): `image` and
    /// `prompt` required; `end_image`; `duration` 3..15, default 5; `sound` default false (25% more per second);
    /// `shot_type` `customize` | `intelligent`, default `customize`; `multi_prompt`, at most 20 items of
    /// `{prompt, duration 3..15 default 5}` whose durations add up to the clip's. This table, not a catalogue
    /// entry, is the source of the seed's fields and defaults: its jobs keep their keys whatever a catalogue says.
    public static let klingO3ProImageToVideo = ModelSchema(
        modelID: "kling/kling-video-o3/pro/image-to-video",
        fields: [
            Field("image", .media(.image), required: true),
            Field("prompt", .text, required: true),
            Field("end_image", .media(.image)),
            Field("duration", .integer(3...15), default: .integer(5)),
            Field("sound", .boolean, default: .boolean(false)),
            Field("shot_type", .choice([.string("customize"), .string("intelligent")]), default: .string("customize")),
            Field(
                "multi_prompt",
                .objects(
                    fields: [
                        Field("prompt", .text, required: true),
                        Field("duration", .integer(3...15), default: .integer(5)),
                    ],
                    minItems: nil,
                    maxItems: 20
                )
            ),
        ],
        rules: ModelRules(durationField: "duration", soundField: "sound", soundFactor: 1.25, segmentsField: "multi_prompt"),
        outputKind: .video,
        publishedPrice: PriceList.builtInEstimate
    )
}
