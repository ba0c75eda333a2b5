from inbox.adapters import ChannelAdapter


class SmsAdapter(ChannelAdapter):  # placeholder until the SMS adapter lands
    kind = "sms"
    label = "SMS"
    capabilities = render_text = send = verify_webhook = parse_webhook = None
