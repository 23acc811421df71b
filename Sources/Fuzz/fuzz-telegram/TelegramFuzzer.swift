import SwitchboardFuzz

/// libFuzzer target: the Telegram Bot API update parser.
@main
enum TelegramFuzzer {
    static func main() { FuzzDriver.main(.telegram, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.telegram, data, size)
}
