import SwitchboardFuzz

/// libFuzzer target: the Twilio form-encoded webhook parser (SMS and WhatsApp).
@main
enum TwilioFormFuzzer {
    static func main() { FuzzDriver.main(.twilioForm, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.twilioForm, data, size)
}
