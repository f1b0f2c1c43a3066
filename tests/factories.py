import factory
from django.utils import timezone

from unmentoring.accounts.models import Person
from unmentoring.programmes.models import Membership, Programme


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = "!unusable"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "Meet someone new every month."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.Sequence(lambda n: f"Organisation {n % 5}")
    role = "Service designer"
    phone = "+447911123123"
    rules_agreed_at = factory.LazyFunction(timezone.now)
    sharing_agreed_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
