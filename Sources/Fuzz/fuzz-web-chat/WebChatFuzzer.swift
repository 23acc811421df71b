import SwitchboardFuzz

/// libFuzzer target: the web chat `POST /api/v1/messages` body parser.
@main
enum WebChatFuzzer {
    static func main() { FuzzDriver.main(.webChat, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.webChat, data, size)
}
