import Foundation
import SwitchboardCore

/// What the micro benchmarks read before timing starts: the NLP training data and a WhatsApp webhook body.
struct MicroInputs {
    var trainingYAML: String
    var trainingSource: String
    var whatsAppBody: [UInt8]
    var whatsAppSource: String

    /// Reads `training` (else the built-in demo data) and `<fixtures>/whatsapp/text.json` (else an embedded
    /// payload of the same shape).
    static func load(training: String, fixtures: String) throws -> MicroInputs {
        var inputs = MicroInputs(
            trainingYAML: DemoTrainingData.yaml, trainingSource: "built-in demo data",
            whatsAppBody: Array(embeddedWhatsAppText.utf8), whatsAppSource: "embedded text message")
        if FileManager.default.fileExists(atPath: training) {
            do {
                inputs.trainingYAML = try String(contentsOfFile: training, encoding: .utf8)
                inputs.trainingSource = training
            } catch {
                throw BenchFailure.usage("cannot read \(training): \(error.localizedDescription)")
            }
        }
        let fixture = fixtures + "/whatsapp/text.json"
        if let data = FileManager.default.contents(atPath: fixture) {
            inputs.whatsAppBody = Array(data)
            inputs.whatsAppSource = fixture
        }
        return inputs
    }

    /// A WhatsApp Cloud API text-message webhook as Meta documents it.
    static let embeddedWhatsAppText = #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{\#
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",\#
        "phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},\#
        "wa_id":"16505551234"}],"messages":[{"from":"16505551234",\#
        "id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383",\#
        "type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}
        """#
}
