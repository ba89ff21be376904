"""The assistant's channels: website widget, API, email and Telegram, behind one adapter
interface (:mod:`.base`) and one registry by ``Conversation.channel`` (:mod:`.registry`)."""
