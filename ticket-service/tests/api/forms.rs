//! Forms as a browser sends them: a test finds a form on the page it received (by its action
//! or by the label of its button), changes only what a person would type or choose, and
//! submits exactly the fields the form holds, hidden ones included. A field the form does not
//! have, an option the select does not offer or a hidden field typed into fails the test, so
//! a form and its handler that disagree fail here before they fail a user.

use scraper::{ElementRef, Html, Selector};

/// What kind of control a field is, as far as submitting it goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Hidden,
    /// Any input a person types into: text, password, email, date, number, …
    Typed,
    Textarea,
    Select,
    Checkbox,
    Radio,
    File,
    Submit,
}

#[derive(Clone, Debug)]
struct Control {
    kind: Kind,
    name: String,
    value: String,
    /// Checked (checkbox, radio) or pressed (submit button).
    on: bool,
    /// The options a select offers: value and the text a person reads.
    options: Vec<(String, String)>,
    /// What a person reads on a submit button.
    label: String,
    /// The files chosen for a file input: name and content of each.
    files: Vec<(String, Vec<u8>)>,
    /// A file input that takes several files.
    multiple: bool,
}

/// A form found on a page, with the values a person has typed or chosen so far.
#[derive(Clone, Debug)]
pub struct Form {
    pub action: String,
    pub method: String,
    pub multipart: bool,
    controls: Vec<Control>,
}

/// One part of a submitted body.
pub enum Part {
    Text(String, String),
    File {
        name: String,
        file_name: String,
        content: Vec<u8>,
    },
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

fn normalised_text(element: ElementRef) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every form of a page, in document order.
pub fn forms_of(html: &str, page_path: &str) -> Vec<Form> {
    let document = Html::parse_document(html);
    let fields = selector("input, textarea, select, button");
    let options = selector("option");
    document
        .select(&selector("form"))
        .map(|form| {
            let attr = |name: &str| form.value().attr(name).unwrap_or("").to_owned();
            let action = match attr("action") {
                action if action.is_empty() => page_path.to_owned(),
                action => action,
            };
            let controls = form
                .select(&fields)
                .filter_map(|field| control_of(field, &options))
                .collect();
            Form {
                action,
                method: attr("method").to_ascii_lowercase(),
                multipart: attr("enctype") == "multipart/form-data",
                controls,
            }
        })
        .collect()
}

/// The control a field of a form is, with its value as the page sets it; `None` for a field
/// a browser does not submit (disabled, a plain or reset button).
fn control_of(field: ElementRef, options: &Selector) -> Option<Control> {
    let element = field.value();
    if element.attr("disabled").is_some() {
        return None;
    }
    let name = element.attr("name").unwrap_or("").to_owned();
    let value = element.attr("value").unwrap_or("").to_owned();
    let checked = element.attr("checked").is_some();
    let mut control = Control {
        kind: Kind::Typed,
        name,
        value,
        on: false,
        options: Vec::new(),
        label: String::new(),
        files: Vec::new(),
        multiple: element.attr("multiple").is_some(),
    };
    match element.name() {
        "textarea" => {
            control.kind = Kind::Textarea;
            control.value = field.text().collect();
        }
        "select" => {
            control.kind = Kind::Select;
            let mut selected = None;
            for option in field.select(options) {
                let text = normalised_text(option);
                let value = option
                    .value()
                    .attr("value")
                    .map_or_else(|| text.clone(), str::to_owned);
                if option.value().attr("selected").is_some() {
                    selected = Some(value.clone());
                }
                control.options.push((value, text));
            }
            control.value = selected
                .or_else(|| control.options.first().map(|(value, _)| value.clone()))
                .unwrap_or_default();
        }
        "button" => match element.attr("type").unwrap_or("submit") {
            "submit" => {
                control.kind = Kind::Submit;
                control.label = normalised_text(field);
            }
            _ => return None,
        },
        _ => match element.attr("type").unwrap_or("text") {
            "hidden" => control.kind = Kind::Hidden,
            "checkbox" | "radio" => {
                control.kind = if element.attr("type") == Some("radio") {
                    Kind::Radio
                } else {
                    Kind::Checkbox
                };
                control.on = checked;
                if element.attr("value").is_none() {
                    control.value = "on".to_owned();
                }
            }
            "file" => control.kind = Kind::File,
            "submit" | "image" => {
                control.kind = Kind::Submit;
                control.label = control.value.clone();
            }
            "button" | "reset" => return None,
            _ => control.kind = Kind::Typed,
        },
    }
    Some(control)
}

impl Form {
    /// A short description for failure messages: the action and the buttons.
    pub fn describe(&self) -> String {
        let buttons: Vec<&str> = self
            .controls
            .iter()
            .filter(|c| c.kind == Kind::Submit)
            .map(|c| c.label.as_str())
            .collect();
        format!("{} {} {buttons:?}", self.method, self.action)
    }

    /// The current value of the field `name` (for a radio group, the checked one's).
    pub fn value(&self, name: &str) -> Option<String> {
        self.controls
            .iter()
            .filter(|c| c.name == name)
            .find(|c| !matches!(c.kind, Kind::Radio | Kind::Checkbox) || c.on)
            .map(|c| c.value.clone())
    }

    /// The labels of the form's submit buttons.
    pub fn buttons(&self) -> Vec<String> {
        self.controls
            .iter()
            .filter(|c| c.kind == Kind::Submit)
            .map(|c| c.label.clone())
            .collect()
    }

    /// Types into a text field or textarea, chooses an option of a select, or picks a radio
    /// button, as a person does. Fails the test if the form has no such field a person can
    /// change, or the select or radio group does not offer `value`.
    pub fn set(mut self, name: &str, value: &str) -> Form {
        let description = self.describe();
        let mut fields = self
            .controls
            .iter_mut()
            .filter(|c| c.name == name)
            .peekable();
        let Some(first) = fields.peek() else {
            panic!("the form {description} has no field called `{name}`");
        };
        match first.kind {
            Kind::Typed | Kind::Textarea => {
                fields.next().unwrap().value = value.to_owned();
            }
            Kind::Select => {
                let select = fields.next().unwrap();
                assert!(
                    select.options.iter().any(|(option, _)| option == value),
                    "the select `{name}` of {description} offers {:?}, not `{value}`",
                    select.options
                );
                select.value = value.to_owned();
            }
            Kind::Radio => {
                let mut found = false;
                for radio in fields {
                    radio.on = radio.value == value;
                    found |= radio.on;
                }
                assert!(
                    found,
                    "the radio group `{name}` of {description} has no `{value}`"
                );
            }
            Kind::Hidden => {
                panic!(
                    "`{name}` of {description} is hidden: a person cannot type into it (use `tamper` for a test of tampered fields)"
                )
            }
            kind => panic!("`{name}` of {description} is a {kind:?}: use check, attach or press"),
        }
        self
    }

    /// Chooses the option of the select `name` that reads `label`, as a person reads it.
    pub fn choose(self, name: &str, label: &str) -> Form {
        let description = self.describe();
        let select = self
            .controls
            .iter()
            .find(|c| c.name == name && c.kind == Kind::Select)
            .unwrap_or_else(|| panic!("the form {description} has no select `{name}`"));
        let value = select
            .options
            .iter()
            .find(|(_, text)| text == label)
            .map(|(value, _)| value.clone())
            .unwrap_or_else(|| {
                panic!(
                    "the select `{name}` of {description} offers {:?}, not «{label}»",
                    select.options
                )
            });
        self.set(name, &value)
    }

    /// Ticks (`on`) or unticks the checkbox `name` whose value is `value`.
    pub fn check(mut self, name: &str, value: &str, on: bool) -> Form {
        let description = self.describe();
        let checkbox = self
            .controls
            .iter_mut()
            .find(|c| c.name == name && c.value == value && c.kind == Kind::Checkbox)
            .unwrap_or_else(|| {
                panic!("the form {description} has no checkbox `{name}` with the value `{value}`")
            });
        checkbox.on = on;
        self
    }

    /// Chooses a file for the file input `name`: one more file where the input takes
    /// several (`multiple`), the only one otherwise.
    pub fn attach(mut self, name: &str, file_name: &str, content: &[u8]) -> Form {
        let description = self.describe();
        let input = self
            .controls
            .iter_mut()
            .find(|c| c.name == name && c.kind == Kind::File)
            .unwrap_or_else(|| panic!("the form {description} has no file input `{name}`"));
        if !input.multiple {
            input.files.clear();
        }
        input.files.push((file_name.to_owned(), content.to_vec()));
        self
    }

    /// Chooses the submit button to press, by its label; without it the first one is
    /// pressed, as the Enter key does.
    pub fn press(mut self, label: &str) -> Form {
        let description = self.describe();
        assert!(
            self.buttons().iter().any(|b| b == label),
            "the form {description} has no button «{label}»"
        );
        for control in &mut self.controls {
            if control.kind == Kind::Submit {
                control.on = control.label == label;
            }
        }
        self
    }

    /// Changes a field a person cannot change (a hidden one): only for tests of tampered
    /// forms, which say so.
    pub fn tamper(mut self, name: &str, value: &str) -> Form {
        let description = self.describe();
        let mut fields = self.controls.iter_mut().filter(|c| c.name == name);
        let control = fields
            .next()
            .unwrap_or_else(|| panic!("the form {description} has no field `{name}`"));
        control.value = value.to_owned();
        // A tampered radio group or checkbox sends the one value it was given.
        control.on = true;
        for other in fields {
            other.on = false;
        }
        self
    }

    /// What the browser sends: the named fields in document order, checked boxes only, the
    /// pressed button only, each file input with its file or empty.
    pub fn parts(&self) -> Vec<Part> {
        let pressed = self
            .controls
            .iter()
            .position(|c| c.kind == Kind::Submit && c.on)
            .or_else(|| self.controls.iter().position(|c| c.kind == Kind::Submit));
        let mut parts = Vec::new();
        for (index, control) in self.controls.iter().enumerate() {
            if control.name.is_empty() {
                continue;
            }
            let text = || Part::Text(control.name.clone(), control.value.clone());
            match control.kind {
                Kind::Hidden | Kind::Typed | Kind::Textarea | Kind::Select => parts.push(text()),
                Kind::Checkbox | Kind::Radio if control.on => parts.push(text()),
                Kind::Checkbox | Kind::Radio => {}
                Kind::Submit if Some(index) == pressed => parts.push(text()),
                Kind::Submit => {}
                // A file input with nothing chosen still sends one empty part, as browsers do.
                Kind::File if control.files.is_empty() => parts.push(Part::File {
                    name: control.name.clone(),
                    file_name: String::new(),
                    content: Vec::new(),
                }),
                Kind::File => {
                    for (file_name, content) in &control.files {
                        parts.push(Part::File {
                            name: control.name.clone(),
                            file_name: file_name.clone(),
                            content: content.clone(),
                        });
                    }
                }
            }
        }
        parts
    }
}

/// A `multipart/form-data` body of `parts` in order, and its content type. A file input left
/// empty is sent as browsers send it: an empty file name and no content.
pub fn multipart_body(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "----respi-test-boundary";
    let mut body = Vec::new();
    for part in parts {
        match part {
            Part::Text(name, value) => body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            ),
            Part::File { name, file_name, content } => {
                body.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(content);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
