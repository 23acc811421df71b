import Foundation

/// The `main` of a fuzz executable: hands the command line to libFuzzer's driver with the target's
/// `LLVMFuzzerTestOneInput`.
///
/// SwiftPM links a Swift executable with `main` renamed to `<module>_main` (so tests can link the module),
/// which hides libFuzzer's own `main`; an `@main` type that calls `LLVMFuzzerRunDriver` works either way.
/// With `SWITCHBOARD_FUZZ_WRITE_SEEDS=<folder>` it writes the target's generated seeds there instead.
public enum FuzzDriver {
    /// libFuzzer's entry for programs with their own `main` (in the toolchain's libFuzzer; linked by
    /// `-sanitize=fuzzer`).
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer (or writes seeds) and exits with its status.
    public static func main(_ target: FuzzTarget, testOneInput: TestOneInput) -> Never {
        if let folder = ProcessInfo.processInfo.environment["SWITCHBOARD_FUZZ_WRITE_SEEDS"] {
            let url = URL(fileURLWithPath: folder, isDirectory: true)
            for (index, seed) in target.seeds.enumerated() {
                try? Data(seed).write(to: url.appendingPathComponent("generated-\(index)"))
            }
            exit(0)
        }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }

    /// Calls `target` with the bytes libFuzzer passes to `LLVMFuzzerTestOneInput`.
    public static func testOneInput(_ target: FuzzTarget, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: FuzzDriver.TestOneInput
) -> CInt
