"""What a customer's message says: locale, intents, category, grade, signals and slots."""
