import Foundation
import SwitchboardCore
import Testing

@Suite("Bot settings in the tenants file")
struct BotSettingsTests {
    @Test func aTenantWithoutBotSettingsUsesTheBuiltInEngineAlone() throws {
        let tenants = try TenantDirectory(parsing: "tenants:\n  - id: demo\n")
        let bot = try #require(tenants.tenant(id: "demo")).bot
        #expect(bot.chain == [.builtin])
        #expect(bot.timeoutMilliseconds == 8000)
        #expect(bot.maxConcurrent == 4)
    }

    @Test func theChainIsTheEngineThenItsFallbacksEachOnce() throws {
        let yaml = """
            tenants:
              - id: shop
                bot:
                  engine: llm
                  fallback: [rasa, builtin, llm]
                  timeout_ms: 1500
                  max_concurrent: 2
                  rasa: { url: "http://rasa:5005" }
                  llm:
                    url: http://ollama:11434/v1
                    model: llama3.1
                    system_prompt: You sell shoes.
                    context_tokens: 800
                    price_per_input_token: 0.000001
                  actions:
                    order_status:
                      url: https://shop.example/order-status
                      reply: "Your order {order_id} is {status}."
            """
        let bot = try #require(try TenantDirectory(parsing: yaml).tenant(id: "shop")).bot
        #expect(bot.chain == [.llm, .rasa, .builtin])
        #expect(bot.llm?.systemPrompt == "You sell shoes.")
        #expect(bot.llm?.contextTokens == 800)
        #expect(bot.llm?.pricePerInputToken == 0.000001)
        #expect(bot.actions["order_status"]?.reply == "Your order {order_id} is {status}.")
        #expect(bot.actions["order_status"]?.retries == 2)
    }

    @Test(arguments: [
        ("engine: gpt", "bot engine 'gpt' is unknown"),
        ("engine: llm", "engine llm needs bot.llm.url"),
        ("engine: rasa", "engine rasa needs bot.rasa.url"),
        ("timeout_ms: 0", "bot.timeout_ms must be 1 to 600000"),
        ("max_concurrent: 0", "bot.max_concurrent must be 1 to 1000"),
        ("actions: { order: { reply: x } }", "bot.actions.order needs a url"),
        (
            "llm: { url: 'http://x', model: m, classify: true }\n      engine: llm",
            "classify needs bot.llm.intents"
        ),
        (
            "forms: { cb: { trigger_phrases: [x], slots: [{name: a, prompt: p}], done_reply: d, action: nope } }",
            "bot.forms.cb.action 'nope' is not one of bot.actions"
        ),
        (
            "forms: { cb: { trigger_phrases: [x], slots: [{name: a, prompt: p, regex: '('}], done_reply: d } }",
            "bot.forms.cb.a.regex is not a valid regular expression"
        ),
    ])
    func invalidSettingsAreRefusedWithTheTenantAndField(setting: String, message: String) throws {
        let yaml = "tenants:\n  - id: shop\n    bot:\n      \(setting)\n"
        #expect {
            try TenantDirectory(parsing: yaml)
        } throws: { error in
            "\(error)".contains("tenant 'shop'") && "\(error)".contains(message)
        }
    }
}
