import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("agent desk API: rich replies against the local database")
struct HandoverRichReplyTests {
    static let base = HandoverAgentAPITests.base

    func post(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    func error(_ response: TestResponse) -> String? {
        HandoverAgentAPITests().json(response)["error"] as? String
    }

    @Test func anAgentSendsMediaAChoiceAndALocationAndIsToldWhatTheChannelRefuses() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let id = try await fixture.openHandover()
        let sink = RecordingSink()
        let app = fixture.application(sink: sink)
        let headers = HandoverAgentAPITests().headers()
        let reply = "\(Self.base)/\(id)/reply"

        try await app.test(.router) { client in
            try await client.execute(
                uri: "\(Self.base)/\(id)/claim", method: .post, headers: headers, body: post(#"{"agent_id":"agent-1"}"#)
            ) { #expect($0.status == .ok) }

            let accepted = [
                #"{"agent_id":"agent-1","content":{"type":"media","reference":"https://cdn.example/r.pdf","kind":"document","caption":"Your receipt","file_name":"r.pdf"}}"#,
                #"{"agent_id":"agent-1","content":{"type":"choice","text":"Did that help?","options":[{"id":"yes","title":"Yes"},{"id":"no","title":"No"}]}}"#,
                #"{"agent_id":"agent-1","content":{"type":"location","latitude":52.52,"longitude":13.405,"name":"Store"}}"#,
            ]
            for body in accepted {
                try await client.execute(uri: reply, method: .post, headers: headers, body: post(body)) { response in
                    #expect(response.status == .accepted)
                }
            }

            let refused: [(String, String)] = [
                (
                    #"{"agent_id":"agent-1","text":"hi","content":{"type":"text","text":"hi"}}"#,
                    "send text or content, not both"
                ),
                (
                    #"{"agent_id":"agent-1","content":{"type":"contact","name":"Ada","phones":[],"emails":[]}}"#,
                    "content type contact cannot be sent; use text, media, location or choice"
                ),
                (
                    #"{"agent_id":"agent-1","content":{"type":"media","reference":"https://cdn.example/a","kind":"sticker"}}"#,
                    "content.kind is not valid"
                ),
                (#"{"agent_id":"agent-1","content":{"type":"choice","text":"Pick"}}"#, "content needs options"),
                // The customer wrote on web chat, which shows media from URLs only.
                (
                    #"{"agent_id":"agent-1","content":{"type":"media","reference":"1013859600285441","kind":"image"}}"#,
                    "media on webchat needs an https URL"
                ),
                (
                    #"{"agent_id":"agent-1","content":{"type":"choice","text":"Pick","options":[{"id":"a","title":"A"},{"id":"a","title":"B"}]}}"#,
                    "option 2: id is used by another option"
                ),
            ]
            for (body, reason) in refused {
                try await client.execute(uri: reply, method: .post, headers: headers, body: post(body)) { response in
                    #expect(response.status == .badRequest)
                    #expect(error(response) == reason)
                }
            }
        }

        // Only the accepted replies went to the outbound topic, with their content as sent.
        let replies = sink.envelopes(on: fixture.test.topics.outbound)
        #expect(
            replies.map(\.content) == [
                .media(
                    .init(
                        reference: "https://cdn.example/r.pdf", kind: .document, caption: "Your receipt",
                        fileName: "r.pdf")),
                .choice(
                    .init(
                        text: "Did that help?", options: [.init(id: "yes", title: "Yes"), .init(id: "no", title: "No")])
                ),
                .location(.init(latitude: 52.52, longitude: 13.405, name: "Store")),
            ])
        #expect(replies.allSatisfy { $0.sender == .agent(id: "agent-1") && $0.channel == fixture.request.channel })
    }
}
