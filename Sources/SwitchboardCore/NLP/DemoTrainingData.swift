/// Training data for the demo tenant, so the bot answers out of the box.
public enum DemoTrainingData {
    /// Rasa-style YAML with intents greet, goodbye, thanks, opening_hours, order_status (with an
    /// `order_id` regex entity, two letters and six digits) and human_handoff, plus responses.
    public static let yaml = #"""
        version: "3.1"
        nlu:
          - intent: greet
            examples: |
              - hello
              - hi
              - hi there
              - hey
              - good morning
              - good evening
              - hello, is anyone there?
              - hey, how are you
              - hallo
              - greetings
              - hi, what is up
              - hello, is this the support chat
          - intent: goodbye
            examples: |
              - bye
              - goodbye
              - see you later
              - see you
              - have a nice day
              - that's all, bye
              - talk to you later
              - ciao
          - intent: thanks
            examples: |
              - thanks
              - thank you
              - thank you very much
              - thanks a lot
              - great, thanks
              - cheers
              - much appreciated
              - perfect, thank you for your help
          - intent: opening_hours
            examples: |
              - when are you open?
              - what are your opening hours
              - are you open on sunday
              - what time do you close today
              - when do you open tomorrow
              - opening times
              - business hours please
              - until when is the shop open
              - are you open on weekends
              - what time do you open
              - what is the opening time on saturday
              - what are the hours of the store
              - is the store open on public holidays
          - intent: order_status
            examples: |
              - where is my order?
              - what is the status of my order [AB123456](order_id)
              - has my order shipped yet
              - track my order
              - my package has not arrived
              - when will my order be delivered
              - order [XY654321](order_id) status
              - I am still waiting for my delivery
              - can you check order [CD112233](order_id)
              - where is my parcel
              - is my order on its way
              - order tracking
          - intent: human_handoff
            examples: |
              - I want to talk to a human
              - can I speak to a real person
              - connect me with an agent
              - let me talk to someone from support
              - I need a human
              - get me a person please
              - transfer me to customer service
              - I don't want to talk to a bot
          - regex: order_id
            examples: |
              - \b[A-Z]{2}\d{6}\b
        responses:
          utter_greet:
            - text: "Hello! How can I help you today?"
            - text: "Hi there! What can I do for you?"
          utter_goodbye:
            - text: "Goodbye, have a great day!"
          utter_thanks:
            - text: "You're welcome!"
          utter_opening_hours:
            - text: "We are open Monday to Friday, 9:00 to 17:00."
          utter_order_status:
            - text: "Let me check order {order_id} for you. You will get an update here shortly."
            - text: "Please send me your order number (two letters and six digits, e.g. AB123456)."
        """#
}
