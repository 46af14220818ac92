"""The SMS channel (SPEC §13, "Tin nhắn an ninh"): providers (SMS Gateway for Android, eSMS
brandname), the webhook receiver of incoming texts, the GSM-7 drawing of texts and the
:class:`core.outbound.Channel` adapter (``channels.sms.channel.SmsChannel``)."""
