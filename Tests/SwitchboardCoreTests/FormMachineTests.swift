import SwitchboardCore
import Testing

@Suite("Form state machine")
struct FormMachineTests {
    let callback = FormDefinition(
        triggerPhrases: ["call me back"],
        slots: [
            .init(name: "name", prompt: "Who should we ask for?", minLength: 2, maxLength: 40),
            .init(
                name: "phone", prompt: "Which number should we call?", regex: #"(\+?[0-9][0-9 ]{6,}[0-9])"#,
                invalid: "That is not a phone number. Which number should we call?"),
            .init(name: "order", prompt: "Which order is it about?", entity: "order_id"),
        ],
        doneReply: "Thanks {name}, we will call {phone} about {order}.")

    @Test func slotsAreAskedInOrderValidatedAndCompleted() {
        var (state, step) = FormMachine.start(
            "callback", definition: callback, entities: [], messageId: "m0", sequence: 0)
        #expect(step == .ask("Who should we ask for?"))
        #expect(state.asking == "name" && state.status == .active)

        (state, step) = FormMachine.step(
            state, definition: callback, text: "x", entities: [], messageId: "m1", sequence: 1)
        #expect(step == .ask("Sorry, I did not get that. Who should we ask for?"), "shorter than min_length")
        (state, step) = FormMachine.step(
            state, definition: callback, text: " Ann Lee ", entities: [], messageId: "m2", sequence: 2)
        #expect(step == .ask("Which number should we call?"))
        (state, step) = FormMachine.step(
            state, definition: callback, text: "tomorrow", entities: [], messageId: "m3", sequence: 3)
        #expect(step == .ask("That is not a phone number. Which number should we call?"))
        (state, step) = FormMachine.step(
            state, definition: callback, text: "it is +49 30 1234567 thanks", entities: [], messageId: "m4", sequence: 4
        )
        #expect(step == .ask("Which order is it about?"))
        (state, step) = FormMachine.step(
            state, definition: callback, text: "the blue one", entities: [], messageId: "m5", sequence: 5)
        #expect(step == .ask("Sorry, I did not get that. Which order is it about?"), "an entity slot needs its entity")
        (state, step) = FormMachine.step(
            state, definition: callback, text: "AB123456", entities: [Entity(name: "order_id", value: "AB123456")],
            messageId: "m6", sequence: 6)
        #expect(step == .complete(["name": "Ann Lee", "phone": "+49 30 1234567", "order": "AB123456"]))
        #expect(state.status == .completed && state.asking == nil)
        #expect(state.lastMessageId == "m6" && state.lastSequence == 6)
        #expect(
            ReplyTemplate.fill(callback.doneReply, with: state.slots)
                == "Thanks Ann Lee, we will call +49 30 1234567 about AB123456.")
    }

    @Test func theFirstMessagesEntitiesFillSlotsAtOnce() {
        let (state, step) = FormMachine.start(
            "callback", definition: callback, entities: [Entity(name: "order_id", value: "CD112233")], messageId: "m0",
            sequence: 0)
        #expect(state.slots == ["order": "CD112233"])
        #expect(step == .ask("Who should we ask for?"))
    }

    @Test func theCustomerCanCancel() {
        let (started, _) = FormMachine.start(
            "callback", definition: callback, entities: [], messageId: "m0", sequence: 0)
        let (state, step) = FormMachine.step(
            started, definition: callback, text: "Never mind, thanks", entities: [], messageId: "m1", sequence: 1)
        #expect(step == .cancelled("OK, I have cancelled that."))
        #expect(state.status == .cancelled)
    }

    @Test func phrasesMatchWholeWordsInAnyCase() {
        #expect(FormMachine.matches("Please CALL me back!", anyOf: ["call me back"]))
        #expect(!FormMachine.matches("recall me backwards", anyOf: ["call me back"]))
        #expect(!FormMachine.matches("anything", anyOf: [""]))
    }
}
