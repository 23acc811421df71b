import SwitchboardFuzz

/// libFuzzer target: the Messenger webhook parser.
@main
enum MessengerFuzzer {
    static func main() { FuzzDriver.main(.messenger, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.messenger, data, size)
}
