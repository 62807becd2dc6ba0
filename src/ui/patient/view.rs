//! What "Écrire à un patient" looks like: the form, what the matricule says beside what is
//! typed, and the confirmation before an address exists.

use super::*;
use iced::widget::{button, column, container, pick_list, row, scrollable, text, text_input};

impl PatientComposer {
    pub fn view(&self) -> Element<'_, Message> {
        let t = |id: &str| self.i18n.t(id);
        let review = self.review();
        let form = &self.form;

        let labelled = |label: String,
                        input: Element<'static, Message>,
                        below: Option<Element<'static, Message>>|
         -> Element<'static, Message> {
            let mut cell = column![input].spacing(4);
            if let Some(below) = below {
                cell = cell.push(below);
            }
            row![
                // Level with the text inside the field next to it, not with its border.
                container(text(label).size(theme::BODY_SIZE))
                    .padding(iced::Padding::ZERO.top(FIELD_TEXT_OFFSET))
                    .width(Length::Fixed(LABEL_WIDTH)),
                cell.width(Length::Fill)
            ]
            .spacing(12)
            .align_y(Alignment::Start)
            .into()
        };
        let input = |id: &'static str,
                     hint: String,
                     value: &str,
                     on_input: fn(String) -> Message|
         -> Element<'static, Message> {
            text_input(&hint, value)
                .id(id)
                .on_input(on_input)
                .padding(8)
                .size(theme::BODY_SIZE)
                .into()
        };

        let selected_sex = self
            .sexes
            .iter()
            .find(|c| Some(c.value) == form.sex)
            .cloned();
        let selected_status = self
            .statuses
            .iter()
            .find(|c| Some(c.value) == form.status)
            .cloned();

        let fields = column![
            labelled(
                t("ins-label-matricule"),
                input(
                    field::MATRICULE,
                    t("patient-matricule-hint"),
                    &form.matricule,
                    Message::Matricule
                ),
                Some(self.matricule_status(&review.matricule)),
            ),
            labelled(
                t("patient-birth-name"),
                input(
                    field::BIRTH_NAME,
                    t("patient-birth-name-hint"),
                    &form.birth_name,
                    Message::BirthName
                ),
                None,
            ),
            labelled(
                t("patient-first-names"),
                input(
                    field::FIRST_NAMES,
                    t("patient-first-names-hint"),
                    &form.first_names,
                    Message::FirstNames
                ),
                None,
            ),
            labelled(
                t("patient-birth-date"),
                input(
                    field::BIRTH_DATE,
                    t("patient-birth-date-hint"),
                    &form.birth_date,
                    Message::BirthDate
                ),
                (review.birth_date == BirthDateReading::Malformed)
                    .then(|| { status_line(Tone::Danger, self.birth_date_sentence()) }),
            ),
            labelled(
                t("ins-label-sex"),
                pick_list(self.sexes.clone(), selected_sex, |choice| Message::Sex(
                    choice.value
                ))
                .placeholder(t("patient-choose"))
                .width(Length::Fill)
                .into(),
                None,
            ),
            labelled(
                t("patient-status"),
                pick_list(self.statuses.clone(), selected_status, |choice| {
                    Message::Status(choice.value)
                })
                .placeholder(t("patient-choose"))
                .width(Length::Fill)
                .into(),
                None,
            ),
        ]
        .spacing(10);

        let mut page = column![
            text(t("patient-title"))
                .size(theme::TITLE_SIZE)
                .font(markers::semibold()),
            text(self.i18n.t_args(
                "patient-hint",
                args!["limit" => PATIENT_MESSAGE_SIZE_LIMIT / 1_000_000]
            ))
            .size(theme::BODY_SIZE),
            fields,
        ]
        .spacing(14)
        .padding(32)
        .max_width(920);

        if let Some(ins) = review.matricule.ins() {
            page = page.push(self.comparison(ins, &review));
            let name = (!form.birth_name.trim().is_empty()).then(|| {
                let first = form
                    .first_names
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                format!("{first} {}", form.birth_name.trim().to_uppercase())
            });
            page = page.push(markers::patient_marker(&self.i18n, ins, name.as_deref()));
        }
        for warning in &review.warnings {
            page = page.push(markers::note(
                Tone::Warning,
                messages::ins_warning(warning, &self.i18n),
            ));
        }
        for refusal in &review.refusals {
            let tone = match refusal {
                // Shown under their fields.
                Refusal::Matricule(_) | Refusal::BirthDate => continue,
                Refusal::Missing(_) => Tone::Notice,
                Refusal::Identity(_) => Tone::Danger,
            };
            page = page.push(markers::note(
                tone,
                refusal_sentence(&self.i18n, refusal, form),
            ));
        }

        page = page.push(match &self.stage {
            Stage::Editing => row![
                button(text(t("patient-write")))
                    .padding([8, 16])
                    .on_press_maybe(review.patient.is_some().then_some(Message::Write)),
                button(text(t("patient-close")))
                    .padding([8, 16])
                    .style(button::secondary)
                    .on_press(Message::Close),
            ]
            .spacing(12)
            .into(),
            Stage::Confirming(patient) => self.confirmation(patient),
        });

        // Centred in the window, as the other full screens are: the form keeps its width and
        // the eye finds it where the message list was.
        scrollable(container(page).center_x(Length::Fill))
            .width(Length::Fill)
            .into()
    }

    fn matricule_status(&self, reading: &MatriculeReading) -> Element<'static, Message> {
        match reading {
            MatriculeReading::Empty => {
                status_line(Tone::Notice, self.i18n.t("patient-matricule-format"))
            }
            MatriculeReading::Incomplete { typed } => status_line(
                Tone::Notice,
                self.i18n
                    .t_args("patient-matricule-progress", args!["typed" => *typed]),
            ),
            MatriculeReading::Refused(error) => {
                status_line(Tone::Danger, messages::ins_error(error, &self.i18n))
            }
            MatriculeReading::Valid(_) => status_line(Tone::Patient, self.i18n.t("ins-valid")),
        }
    }

    fn birth_date_sentence(&self) -> String {
        refusal_sentence(&self.i18n, &Refusal::BirthDate, &self.form)
    }

    /// What the matricule says, next to what was typed, and whether they agree.
    fn comparison(&self, ins: &Ins, review: &Review) -> Element<'static, Message> {
        let t = |id: &str| self.i18n.t(id);
        let reading = messages::ins_reading(ins, &self.i18n);
        let read = |label_id: &str| {
            let label = t(label_id);
            reading
                .iter()
                .find(|(l, _)| *l == label)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let date = match review.birth_date {
            BirthDateReading::Valid(date) => Some(date),
            _ => None,
        };
        let typed_sex = self.form.sex.map(|sex| match sex {
            Sex::Male => t("ins-sex-male"),
            Sex::Female => t("ins-sex-female"),
        });
        let typed_birth = date.map(|date| date.format("%m/%Y").to_string());
        // The birth month and year are one line, as the matricule reads: the worse of both.
        let birth = match (review.birth_year, review.birth_month) {
            (Agreement::Differs, _) | (_, Agreement::Differs) => Agreement::Differs,
            (Agreement::NotTyped, _) | (_, Agreement::NotTyped) => Agreement::NotTyped,
            (_, Agreement::NotInMatricule) => Agreement::NotInMatricule,
            _ => Agreement::Agrees,
        };

        let cell = |content: String, width: f32| {
            text(content)
                .size(theme::BODY_SIZE)
                .width(Length::Fixed(width))
        };
        let heading = |content: String, width: f32| {
            text(content)
                .size(theme::SMALL_SIZE)
                .font(markers::semibold())
                .width(Length::Fixed(width))
        };
        let line =
            |label: String, said: String, typed: Option<String>, agreement: Option<Agreement>| {
                let mut line = row![
                    cell(label, LABEL_WIDTH),
                    cell(said, READING_WIDTH),
                    cell(typed.unwrap_or_default(), TYPED_WIDTH),
                ]
                .spacing(12);
                if let Some(agreement) = agreement.filter(|a| *a != Agreement::NotTyped) {
                    let (tone, id) = match agreement {
                        Agreement::Agrees => (Tone::Patient, "patient-agrees"),
                        Agreement::Differs => (Tone::Danger, "patient-differs"),
                        _ => (Tone::Warning, "patient-not-checked"),
                    };
                    line = line.push(
                        text(t(id))
                            .size(theme::BODY_SIZE)
                            .font(markers::semibold())
                            .style(markers::tone_text(tone)),
                    );
                }
                line
            };

        container(
            column![
                row![
                    heading(String::new(), LABEL_WIDTH),
                    heading(t("patient-matricule-says"), READING_WIDTH),
                    heading(t("patient-typed"), TYPED_WIDTH),
                ]
                .spacing(12),
                line(
                    t("ins-label-sex"),
                    read("ins-label-sex"),
                    typed_sex,
                    Some(review.sex)
                ),
                line(
                    t("ins-label-birth"),
                    read("ins-label-birth"),
                    typed_birth,
                    Some(birth)
                ),
                line(t("ins-label-place"), read("ins-label-place"), None, None),
            ]
            .spacing(6),
        )
        .padding([10, 12])
        .width(Length::Fill)
        .style(container::bordered_box)
        .into()
    }

    fn confirmation(&self, patient: &Patient) -> Element<'static, Message> {
        let t = |id: &str| self.i18n.t(id);
        let sex = match patient.identity.sex {
            Sex::Male => "male",
            Sex::Female => "female",
        };
        let sentence = self.i18n.t_args(
            "patient-confirm",
            args![
                "civility" => t(match patient.identity.sex {
                    Sex::Male => "patient-civility-male",
                    Sex::Female => "patient-civility-female",
                }),
                "name" => patient.display_name(),
                "sex" => sex,
                "birth" => patient.identity.birth_date.format("%m/%Y").to_string(),
                "ins" => patient.ins.grouped(),
            ],
        );
        container(
            column![
                text(sentence).size(theme::BODY_SIZE),
                row![
                    button(text(t("patient-confirm-write")))
                        .padding([8, 16])
                        .on_press(Message::Confirm),
                    button(text(t("patient-revise")))
                        .padding([8, 16])
                        .style(button::secondary)
                        .on_press(Message::Revise),
                ]
                .spacing(12),
            ]
            .spacing(12),
        )
        .padding(16)
        .width(Length::Fill)
        .style(markers::tinted(Tone::Patient))
        .into()
    }
}

/// A short line under a field, in the colour of its tone.
fn status_line(tone: Tone, sentence: String) -> Element<'static, Message> {
    text(sentence)
        .size(theme::SMALL_SIZE)
        .style(markers::tone_text(tone))
        .into()
}
