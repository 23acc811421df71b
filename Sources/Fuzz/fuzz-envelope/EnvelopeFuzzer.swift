import SwitchboardFuzz

/// libFuzzer target: the envelope decoder every stage runs on its input topic.
@main
enum EnvelopeFuzzer {
    static func main() { FuzzDriver.main(.envelope, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.envelope, data, size)
}
