import Foundation
import JobManifest
import ResultsLedger

/// `report --html`: one self-contained page, a contact sheet in storyboard order. Each job is a card with its
/// start and end frames, its prompt and segments, state, duration, cost, and its clip in a `<video>` whose link
/// is relative to where the page is written. Failed and unknown jobs stand out and say why. No script, no web
/// font, no CDN: it opens offline in any browser.
enum ContactSheet {
    /// What the manifest says of a job (from the manifest the run folder recorded, when it can still be read).
    struct Shot {
        /// Its place in the manifest (storyboard order).
        var order: Int
        var prompt: String
        var segments: [(prompt: String, duration: Int)]
        /// Every media input, in the model's field order: the field, what it takes, and where from (a URL, a local
        /// path, or another job's output).
        var inputs: [Input] = []

        /// The start frame: its first image input that is a URL or a local file (a slate shows it).
        var image: String? {
            inputs.lazy.compactMap { input in
                if input.kind == .image, case .file(let target) = input.source { target } else { nil }
            }.first
        }
    }

    /// One media input of a shot.
    struct Input {
        var field: String
        var kind: MediaKind
        var source: Source

        enum Source {
            /// A URL or a local path: shown.
            case file(String)
            /// Another job's output (which one, from 1; the frame taken of it, if any): named.
            case job(String, output: Int, frame: String?)
        }
    }

    static func html(_ report: BatchReport, shots: [String: Shot], pageFolder: String, title: String) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;background:#f4f4f6;color:#1d1d1f}
            h1{font-size:20px;margin:0 0 4px}.totals{color:#555;margin:0 0 20px}
            .sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px}
            .card{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);border-top:4px solid #2e7d32}
            .card.failed,.card.expired,.card.cancelled,.card.download_failed{border-top-color:#c62828;background:#fff5f5}
            .card.unknown_outcome{border-top-color:#ef6c00;background:#fff8ef}
            .card.pending,.card.queued,.card.running,.card.submitting,.card.rendered{border-top-color:#757575}
            .id{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}.state{float:right;font-size:12px;text-transform:uppercase}
            .frames{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}.frames img,.frames video{width:48%;border-radius:4px;background:#ddd}
            .frames audio{width:100%}.from{font-size:12px;color:#444;background:#eef;border-radius:3px;padding:2px 6px}
            video,img.output{width:100%;border-radius:4px;background:#000;margin:6px 0}
            audio{width:100%;margin:6px 0}
            .prompt{font-size:13px;margin:6px 0}.segments{font-size:12px;color:#444;margin:0;padding-left:18px}
            .pick{font-size:11px;font-weight:700;color:#fff;background:#1565c0;border-radius:3px;padding:1px 5px;margin-left:6px}
            .pick.lowest{background:#90a4ae}.card.in-cut{box-shadow:0 0 0 2px #1565c0}
            .pick.approved{background:#2e7d32}.pick.retake{background:#ef6c00}.note{font-size:12px;color:#444;font-style:italic;margin:2px 0}
            .meta{font-size:12px;color:#555}.reason{font-size:13px;color:#b71c1c;font-weight:600;margin-top:6px}
            </style></head><body>
            <h1>\(escape(title))</h1>

            """
        let counts = report.counts
        page += "<p class=\"totals\">\(report.entries.count) jobs: "
            + escape(JobState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }.joined(separator: ", "))
            + " · \(report.secondsRendered) s rendered · \(PlanReport.usd(report.spent)) spent</p>\n<div class=\"sheet\">\n"
        // Storyboard order: the manifest's, whatever shard each job ran in.
        let ordered = report.entries.enumerated().sorted { a, b in
            (shots[a.element.record.id]?.order ?? Int.max, a.offset) < (shots[b.element.record.id]?.order ?? Int.max, b.offset)
        }.map(\.element)
        for entry in ordered {
            let record = entry.record
            let shot = shots[record.id]
            let cutClass = entry.inCut && JobID.take(of: record.id) != nil ? " in-cut" : ""
            page += "<div class=\"card \(record.state.rawValue)\(cutClass)\" data-job=\"\(escape(record.id))\" data-state=\"\(record.state.rawValue)\" data-picked=\"\(entry.picked)\" data-in-cut=\"\(entry.inCut)\">\n"
            var badge = !cutClass.isEmpty ? (entry.picked ? "<span class=\"pick\">picked: in the cut</span>" : "<span class=\"pick lowest\">in the cut (lowest take)</span>") : ""
            if entry.review?.isApproved(record) == true { badge += "<span class=\"pick approved\">approved</span>" }
            if let retake = entry.review?.retake(record) {
                badge += "<span class=\"pick retake\" title=\"\(escape(retake.note))\">retake ~\(retake.take)</span>"
            }
            page += "<div><span class=\"id\">\(escape(record.id))</span>\(badge)<span class=\"state\">\(record.state.rawValue.replacingOccurrences(of: "_", with: " "))</span></div>\n"
            if let inputs = shot?.inputs, !inputs.isEmpty { page += inputsHTML(inputs, pageFolder: pageFolder) }
            if record.state == .completed, record.file != nil {
                // Every output, each as what it is: an image shown, audio and video playable.
                for file in record.files.compactMap({ $0 }) {
                    let source = escape(link(entry.folder + "/" + file, from: pageFolder))
                    let tag = switch Self.mediaKind(of: file) {
                    case "image": "<img class=\"output\" alt=\"\(escape(file))\" src=\"\(source)\">\n"
                    case "audio": "<audio controls preload=\"metadata\" src=\"\(source)\"></audio>\n"
                    default: "<video controls preload=\"metadata\" src=\"\(source)\"></video>\n"
                    }
                    page += tag
                }
            }
            if let shot {
                page += "<p class=\"prompt\">\(escape(shot.prompt))</p>\n"
                if !shot.segments.isEmpty {
                    page += "<ol class=\"segments\">" + shot.segments.map { "<li>\(escape($0.prompt)) (\($0.duration) s)</li>" }.joined() + "</ol>\n"
                }
            }
            page += "<div class=\"meta\">\(entry.duration) s · " + (record.cost.map(PlanReport.usd) ?? "no cost recorded")
                + (record.requestID.map { " · \(escape($0))" } ?? "") + "</div>\n"
            for note in entry.review?.notes(record) ?? [] {
                page += "<p class=\"note\">\(escape(note.text))\(note.by.map { " (\(escape($0)))" } ?? "")</p>\n"
            }
            if record.state == .waiting, !record.waitingOn.isEmpty {
                page += "<div class=\"reason\">Waiting on \(escape(record.waitingOn.joined(separator: ", ")))</div>\n"
            }
            if record.state == .awaitingApproval {
                page += "<div class=\"reason\">Waiting for an approval of \(escape(record.waitingOn.joined(separator: ", ")))</div>\n"
            }
            if record.state == .blocked, let by = record.blockedBy {
                page += "<div class=\"reason\">Blocked: its source \(escape(by.job)) is \(escape(by.state.replacingOccurrences(of: "_", with: " "))); nothing was submitted</div>\n"
            }
            if [.failed, .expired, .cancelled, .unknownOutcome, .downloadFailed].contains(record.state) {
                let why = record.errorMessage ?? record.state.rawValue
                page += "<div class=\"reason\">\(escape(record.state == .unknownOutcome ? "Outcome unknown: " + why : why))</div>\n"
            }
            page += "</div>\n"
        }
        return page + "</div>\n</body></html>\n"
    }

    /// A link from the page's folder: local paths relative to it, URLs as they are.
    static func link(_ target: String, from folder: String) -> String {
        if target.hasPrefix("https://") || target.hasPrefix("http://") { return target }
        let path = target.hasPrefix("file://") ? String(target.dropFirst("file://".count)).removingPercentEncoding ?? target : target
        let from = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? $0 }
            .joined(separator: "/")
    }

    /// Text made safe for HTML and XML content and attributes (control characters, which XML forbids, become
    /// spaces).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case let control where control.value < 0x20 && control != "\n" && control != "\t": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A card's media inputs: start and end frames, reference images, videos and audio, each labelled with its
    /// field; another job's output named by its id.
    static func inputsHTML(_ inputs: [Input], pageFolder: String) -> String {
        var html = "<div class=\"frames\">"
        for input in inputs {
            let label = escape(input.field)
            switch input.source {
            case .job(let job, _, _):
                html += "<span class=\"from\" title=\"\(label)\">\(label): from \(escape(job))</span>"
            case .file(let target):
                let source = escape(link(target, from: pageFolder))
                let tag = switch input.kind {
                case .image: "<img src=\"\(source)\" alt=\"\(label)\" title=\"\(label)\">"
                case .video: "<video muted preload=\"metadata\" src=\"\(source)\" title=\"\(label)\"></video>"
                case .audio: "<audio controls preload=\"none\" src=\"\(source)\" title=\"\(label)\"></audio>"
                }
                html += tag
            }
        }
        return html + "</div>\n"
    }

    /// The shots of the manifest a folder's latest run recorded, by job id (empty if it cannot be read now), read
    /// with the models of `registry` (the catalogue the run used, as far as it is at hand).
    static func shots(manifestPath: String?, registry: ModelRegistry = ModelRegistry()) -> [String: Shot] {
        guard let manifestPath, let manifest = try? ManifestReader(models: registry).read(path: manifestPath) else { return [:] }
        var shots: [String: Shot] = [:]
        for (order, job) in manifest.jobs.enumerated() {
            shots[job.id] = shot(job.body, order: order)
        }
        return shots
    }

    /// The fields a prompt may be called, in the order looked at.
    static let promptFields = ["prompt", "text", "lyrics", "script"]

    /// What a card shows of one job's body: its prompt, its segments, and every media input.
    static func shot(_ body: RequestBody, order: Int) -> Shot {
        var inputs: [Input] = []
        func add(_ value: BodyValue, field: String, kind: MediaKind) {
            switch value {
            case .media(.url(let url)): inputs.append(Input(field: field, kind: kind, source: .file(url)))
            case .media(.file(let file)): inputs.append(Input(field: field, kind: kind, source: .file(file.path)))
            case .media(.reference(let reference)):
                inputs.append(Input(field: field, kind: kind, source: .job(reference.job, output: reference.outputIndex + 1, frame: reference.frame?.text)))
            case .media(.resolved(let resolved)):
                let reference = resolved.reference
                inputs.append(Input(field: field, kind: kind, source: .job(reference.job, output: reference.outputIndex + 1, frame: reference.frame?.text)))
            case .list(let items): for item in items { add(item, field: field, kind: kind) }
            default: break
            }
        }
        for (position, field) in body.schema.fields.enumerated() {
            guard let kind = field.mediaKind else { continue }
            add(body.values[position], field: field.name, kind: kind)
        }
        let prompt = promptFields.lazy.compactMap { body[$0].string }.first ?? ""
        return Shot(order: order, prompt: prompt, segments: body.segments, inputs: inputs)
    }

    /// `image`, `audio` or `video`, from an output file's extension (its bytes chose it when it was downloaded).
    static func mediaKind(of file: String) -> String {
        let ext = file.split(separator: ".").last.map { $0.lowercased() } ?? ""
        if ["png", "jpg", "jpeg", "webp", "gif"].contains(ext) { return "image" }
        if ["wav", "mp3", "ogg", "flac", "m4a"].contains(ext) { return "audio" }
        return "video"
    }
}
