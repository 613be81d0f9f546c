from programmes.models import Membership


def test_personas_hold_the_roles_their_names_say(coordinator, publisher, national, priority_1, dph_lead, region):
    assert Membership.objects.get(user=coordinator).role == Membership.Role.COORDINATOR
    assert Membership.objects.get(user=publisher, region=region).role == Membership.Role.PUBLISHER
    assert Membership.objects.get(user=national).region is None
    assert priority_1.is_led_by(dph_lead)
    assert not priority_1.is_led_by(coordinator)
