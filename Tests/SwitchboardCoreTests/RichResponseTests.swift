import Foundation
import SwitchboardCore
import Testing

@Suite("Rich bot responses, /intent payloads and numbered answers")
struct RichResponseTests {
    static let yaml = """
        version: "3.1"
        nlu:
          - intent: greet
            examples: |
              - hello
              - hi there
          - intent: buy_shirt
            examples: |
              - I want a shirt
              - do you sell shirts
        responses:
          utter_greet:
            - text: "Hello!"
          utter_buy_shirt:
            - text: "Which size, {name}?"
              image: https://shop.example/sizes.png
              buttons:
                - title: "Small for {name}"
                  payload: '/inform{"size": "small", "who": "{name}"}'
                - title: Large
                  payload: /inform{"size":"large"}
            - text: "Which size?"
              buttons:
                - title: Small
                  payload: /small
          utter_logo:
            - image: https://shop.example/logo.png
        """

    @Test func richVariantsAreReadFromTheYAMLAndTextOnlyOnesAsBefore() throws {
        let data = try NLUTrainingData.parse(yaml: Self.yaml)
        #expect(data.responses["utter_greet"] == ["Hello!"])
        #expect(data.responseVariants["utter_greet"] == [BotResponse(text: "Hello!")])
        let shirt = try #require(data.responseVariants["utter_buy_shirt"])
        #expect(shirt.count == 2)
        #expect(shirt[0].image == "https://shop.example/sizes.png")
        #expect(
            shirt[0].buttons == [
                BotResponse.Button(title: "Small for {name}", payload: #"/inform{"size": "small", "who": "{name}"}"#),
                BotResponse.Button(title: "Large", payload: #"/inform{"size":"large"}"#),
            ])
        #expect(data.responseVariants["utter_logo"] == [BotResponse(text: "", image: "https://shop.example/logo.png")])
    }

    @Test(
        "buttons or an image that could not be sent are a training-data error",
        arguments: [
            ("    - text: Hi\n      buttons:\n        - title: A\n", "button 1 has no payload"),
            ("    - text: Hi\n      image: ftp://x/y.png\n", "image is not an http(s) URL"),
            (
                "    - text: Hi\n      buttons:\n        - {title: A, payload: /a}\n        - {title: B, payload: /a}\n",
                "same payload"
            ),
        ])
    func badRichResponses(variant: String, fragment: String) {
        let yaml = "nlu:\n  - intent: greet\n    examples: |\n      - hello\nresponses:\n  utter_greet:\n" + variant
        do {
            _ = try NLUTrainingData.parse(yaml: yaml)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("response 'utter_greet' variant 1"), "\(error.description)")
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func aTemplateWithButtonsBecomesAChoiceWithItsPlaceholdersFilled() throws {
        let templates = ResponseTemplates(variants: try NLUTrainingData.parse(yaml: Self.yaml).responseVariants)
        // The variant with a placeholder is the more specific one once `name` is known.
        let response = try #require(
            templates.response(for: "buy_shirt", entities: [Entity(name: "name", value: "Ann")], variant: 1))
        #expect(response.text == "Which size, Ann?")
        #expect(response.buttons.map(\.title) == ["Small for Ann", "Large"])
        #expect(
            response.buttons.map(\.payload) == [
                #"/inform{"size": "small", "who": "Ann"}"#, #"/inform{"size":"large"}"#,
            ], "JSON braces stay, placeholders are filled")
        #expect(templates.reply(for: "buy_shirt", entities: [Entity(name: "name", value: "Ann")]) == "Which size, Ann?")
        // Without the entity only the plain variant can be sent.
        #expect(templates.response(for: "buy_shirt", entities: [])?.buttons.map(\.payload) == ["/small"])

        let contents = response.contents(on: .telegram)
        #expect(
            contents == [
                .media(Content.Media(reference: "https://shop.example/sizes.png", kind: .image)),
                .choice(
                    Content.Choice(
                        text: "Which size, Ann?",
                        options: [
                            Content.Choice.Option(
                                id: #"/inform{"size": "small", "who": "Ann"}"#, title: "Small for Ann"),
                            Content.Choice.Option(id: #"/inform{"size":"large"}"#, title: "Large"),
                        ], style: .buttons)),
            ])
    }

    @Test func anImageAloneCarriesTheTextAsCaptionAndTooManyButtonsBecomeAList() {
        let image = BotResponse(text: "Our logo", image: "https://shop.example/logo.png")
        #expect(
            image.contents(on: .whatsapp) == [
                .media(Content.Media(reference: "https://shop.example/logo.png", kind: .image, caption: "Our logo"))
            ])
        #expect(BotResponse(text: "Plain").contents(on: .sms) == [.text("Plain")])

        let four = BotResponse(
            text: "Pick", buttons: (1...4).map { BotResponse.Button(title: "Option \($0)", payload: "/o\($0)") })
        guard case .choice(let onWhatsApp)? = four.contents(on: .whatsapp).first,
            case .choice(let onTelegram)? = four.contents(on: .telegram).first
        else {
            Issue.record("expected choices")
            return
        }
        #expect(onWhatsApp.style == .list, "WhatsApp takes 3 reply buttons")
        #expect(onTelegram.style == .buttons)
        #expect(Content.choice(onWhatsApp).outboundProblem(on: .whatsapp) == nil)
    }

    @Test func aModelFileKeepsButtonsAndImages() throws {
        let model = try NLUModel(yaml: Self.yaml)
        let loaded = try NLUModel(serialized: model.serialized())
        #expect(loaded.templates == model.templates)
        #expect(loaded.templates.variants["utter_buy_shirt"]?.first?.buttons.count == 2)
        #expect(loaded.serialized() == model.serialized())
    }

    @Test func intentCommandsNameTheirIntentAndEntities() throws {
        let command = try #require(IntentCommand(parsing: #" /order_status{"order_id": "AB123456", "count": 2} "#))
        #expect(command.intent == "order_status")
        #expect(
            command.entities == [
                Entity(name: "count", value: "2"), Entity(name: "order_id", value: "AB123456"),
            ])
        #expect(command.result.confidence == 1)
        #expect(command.result.intent == "order_status")
        #expect(IntentCommand(parsing: "/greet") == IntentCommand(intent: "greet"))
        #expect(IntentCommand(parsing: #"/inform{"size": ["s", "m"]}"#)?.entities.map(\.value) == ["s", "m"])
    }

    @Test(
        "malformed commands are no commands",
        arguments: [
            "greet", "/", "/order status", #"/order_status{"order_id": "#, #"/order_status{"x": {"y": 1}}"#,
            #"/order_status["x"]"#, #"/order_status{"x": null}"#, "/" + String(repeating: "a", count: 101),
            #"/a{"x": ""# + String(repeating: "y", count: 1000) + #""}"#,
        ])
    func malformedCommands(text: String) {
        #expect(IntentCommand(parsing: text) == nil)
    }

    @Test func aNumberedAnswerPicksItsOption() {
        let choice = Content.Choice(
            text: "Pick one",
            options: [
                Content.Choice.Option(id: "/yes", title: "Yes"), Content.Choice.Option(id: "/no", title: "No"),
            ])
        for text in ["2", " 2 ", "2.", "2)", "\n2. "] {
            #expect(choice.reply(toNumbered: text) == Content.InteractiveReply(payload: "/no", title: "No"), "\(text)")
        }
        for text in ["7", "0", "3", "two", "2 please", "2..", "-2", "²", "1 2"] {
            #expect(choice.reply(toNumbered: text) == nil, "\(text)")
        }
        #expect(Content.Choice.answerNumber("10") == 10)
        #expect(Content.Choice.answerNumber("100") == nil)
    }

    @Test func anActionAnswerMayCarryButtonsAndAnImage() throws {
        let answer = try ActionAnswer.parse(
            Array(
                #"""
                {"reply": "Pick a slot", "image": "https://shop.example/map.png",
                 "buttons": [{"title": "9:00", "payload": "/book{\"slot\": \"9\"}"}, {"title": "10:00", "payload": 10}]}
                """#.utf8))
        #expect(answer.reply == "Pick a slot")
        #expect(answer.image == "https://shop.example/map.png")
        #expect(
            answer.buttons == [
                BotResponse.Button(title: "9:00", payload: #"/book{"slot": "9"}"#),
                BotResponse.Button(title: "10:00", payload: "10"),
            ])
        #expect(answer.ignored.isEmpty)

        let bad = try ActionAnswer.parse(
            Array(#"{"reply": "Hi", "image": "javascript:alert(1)", "buttons": [{"title": "A"}]}"#.utf8))
        #expect(bad.reply == "Hi")
        #expect(bad.buttons.isEmpty && bad.image == nil)
        #expect(bad.ignored.count == 2)
        #expect(
            try ActionAnswer.parse(Array(#"{"reply": "Hi", "buttons": "no"}"#.utf8)).ignored == [
                "buttons is not a list"
            ])
        let plain = try ActionAnswer.parse(Array(#"{"reply": "Hi"}"#.utf8))
        #expect(plain.buttons.isEmpty && plain.image == nil && plain.ignored.isEmpty)
    }
}
