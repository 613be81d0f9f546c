import factory

from case_studies.models import CaseStudy, CaseStudyAttachment, Topic
from programmes.tests.factories import RegionFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"Case study {n}")
    summary = "What a council did, in two sentences."
    problem = "A problem worth solving."
    what_was_done = "The council and its partners did something about it."
    impact = "Fewer people came to harm."
    contact = "Sam Lee, sam.lee@example.org"

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class CaseStudyAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudyAttachment

    case_study = factory.SubFactory(CaseStudyFactory)
    title = "Evaluation report"
    file = factory.django.FileField(filename="evaluation.pdf", data=b"%PDF-1.7 the evaluation")
    original_name = "evaluation.pdf"
