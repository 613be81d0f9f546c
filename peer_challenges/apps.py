from django.apps import AppConfig


class PeerChallengesConfig(AppConfig):
    name = "peer_challenges"
    verbose_name = "Peer challenges"
