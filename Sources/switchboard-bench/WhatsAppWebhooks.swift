import Foundation
import NIOCore
import SwitchboardStages

/// Signed WhatsApp Cloud API webhooks, one text message each with a distinct `wamid`, built before timing.
struct WhatsAppWebhooks {
    /// One webhook ready to post.
    struct Signed: Sendable {
        var body: ByteBuffer
        var signature: String
    }

    var tenant: String
    var appSecret: String
    var run: String
    var customers: Int

    /// The route channel-webhook serves for the tenant.
    var path: String { "/webhooks/whatsapp/\(tenant)" }

    /// `count` webhooks; webhook `i` comes from customer `i % customers` (a phone number).
    func make(count: Int, at date: Date = Date()) -> [Signed] {
        let timestamp = Int(date.timeIntervalSince1970)
        return (0..<count).map { index in
            let body = Array(json(index: index, timestamp: timestamp).utf8)
            let signature = MetaWebhookSecurity.signature(body: body, appSecret: appSecret)
            return Signed(body: ByteBuffer(bytes: body), signature: signature)
        }
    }

    /// Meta's shape (as `switchboard send --channel whatsapp` posts it), to the demo placeholder number.
    private func json(index: Int, timestamp: Int) -> String {
        let phone = String(316_0000_0000 + index % customers)
        let wamid = "wamid.bench-\(run)-\(index)"
        let text = ["hi there", "where is my order?", "what are your opening hours", "thanks a lot"][index % 4]
        return """
            {"entry":[{"changes":[{"field":"messages","value":{"contacts":[{"profile":{"name":"bench"},\
            "wa_id":"\(phone)"}],"messages":[{"from":"\(phone)","id":"\(wamid)","text":{"body":"\(text)"},\
            "timestamp":"\(timestamp)","type":"text"}],"messaging_product":"whatsapp","metadata":\
            {"display_phone_number":"15550000001","phone_number_id":"100000000000001"}}}],\
            "id":"100000000000001"}],"object":"whatsapp_business_account"}
            """
    }
}
