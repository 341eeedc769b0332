import Foundation

/// A real PCM WAV (16-bit mono, 8 kHz, one second): a tone whose pitch, and a faint noise whose every sample,
/// come from its tag, so every output of every request sounds (and hashes) different.
enum WAVAudio {
    static let sampleRate = 8_000
    static let seconds = 1

    static func make(_ tag: OutputTag) -> [UInt8] {
        let digest = tag.digest
        let pitch = 220 + Double(Int(digest[0]) << 8 | Int(digest[1])).truncatingRemainder(dividingBy: 660)
        var noise = SeededRandom(seed: digest[2..<10].reduce(0) { $0 << 8 | UInt64($1) })
        let count = sampleRate * seconds
        var samples: [UInt8] = []
        samples.reserveCapacity(count * 2)
        for index in 0..<count {
            let tone = 0.3 * sin(2 * Double.pi * pitch * Double(index) / Double(sampleRate))
            let value = Int16(clamping: Int((tone + Double.random(in: -0.01...0.01, using: &noise)) * 32_767))
            samples.appendLittleEndian(UInt32(UInt16(bitPattern: value)), count: 2)
        }
        var wav: [UInt8] = Array("RIFF".utf8)
        wav.appendLittleEndian(UInt32(36 + samples.count))
        wav += Array("WAVEfmt ".utf8)
        wav.appendLittleEndian(16)
        wav.appendLittleEndian(1, count: 2)  // PCM
        wav.appendLittleEndian(1, count: 2)  // mono
        wav.appendLittleEndian(UInt32(sampleRate))
        wav.appendLittleEndian(UInt32(sampleRate * 2))  // bytes per second
        wav.appendLittleEndian(2, count: 2)  // bytes per frame
        wav.appendLittleEndian(16, count: 2)  // bits per sample
        wav += Array("data".utf8)
        wav.appendLittleEndian(UInt32(samples.count))
        return wav + samples
    }
}
