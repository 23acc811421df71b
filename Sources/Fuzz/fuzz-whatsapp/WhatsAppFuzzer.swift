import SwitchboardFuzz

/// libFuzzer target: the WhatsApp Cloud API webhook parser.
@main
enum WhatsAppFuzzer {
    static func main() { FuzzDriver.main(.whatsapp, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.whatsapp, data, size)
}
