import SwitchboardFuzz

/// libFuzzer target: the Rasa REST channel body parser.
@main
enum RasaRESTFuzzer {
    static func main() { FuzzDriver.main(.rasaRest, testOneInput: testOneInput) }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(.rasaRest, data, size)
}
