import Foundation

/// What the fuzz targets share: libFuzzer's buffer as bytes, and replaying saved inputs without libFuzzer.
public enum FuzzEntry {
    /// libFuzzer's input as an array (empty for a null or empty buffer).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs `body` over each file named on the command line (a corpus, or a crash to reproduce).
    public static func replay(_ body: ([UInt8]) -> Void) {
        for path in CommandLine.arguments.dropFirst() {
            body(Array(FileManager.default.contents(atPath: path) ?? Data()))
        }
    }
}
